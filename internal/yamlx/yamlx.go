// Package yamlx turns yaml.v3 errors into a line, a field path and a reason a person can act
// on, for lifkit's YAML file formats.
package yamlx

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

var lineRE = regexp.MustCompile(`line (\d+): (.*)`)

// Explain returns the line, the field path at that line (for example "layers[0].threshold")
// and a one-line reason for a yaml.v3 error. root may be nil when the document did not parse.
func Explain(err error, root *yaml.Node, docs string) (line int, field, reason string) {
	msg := err.Error()
	var te *yaml.TypeError
	isType := errors.As(err, &te) && len(te.Errors) > 0
	if isType {
		msg = te.Errors[0]
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	m := lineRE.FindStringSubmatch(msg)
	if m == nil {
		return 0, "", "not valid YAML: " + msg
	}
	line, _ = strconv.Atoi(m[1])
	reason = m[2]
	if !isType {
		return line, "", "not valid YAML: " + reason
	}
	reason = strings.Replace(reason, "cannot unmarshal", "wrong type: cannot read", 1)
	if strings.Contains(reason, "not found in type") {
		if f := strings.Fields(reason); len(f) > 1 {
			reason = fmt.Sprintf("unknown field %q (misspelt? see %s)", f[1], docs)
		}
	}
	if root != nil {
		field = FieldAt(root, line)
	}
	return line, field, reason
}

// FieldAt returns the path of the innermost key on line (for example "layers[0].threshold").
func FieldAt(n *yaml.Node, line int) string {
	var best string
	var walk func(n *yaml.Node, path string)
	walk = func(n *yaml.Node, path string) {
		switch n.Kind {
		case yaml.DocumentNode:
			for _, c := range n.Content {
				walk(c, path)
			}
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				k, v := n.Content[i], n.Content[i+1]
				p := k.Value
				if path != "" {
					p = path + "." + k.Value
				}
				if k.Line == line {
					best = p
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				p := fmt.Sprintf("%s[%d]", path, i)
				if c.Line == line && c.Kind != yaml.ScalarNode {
					best = p
				}
				walk(c, p)
			}
		}
	}
	walk(n, "")
	return best
}

// Header checks the "format" and "version" keys of a document's top mapping before anything
// else is read, so a file of another kind or a newer version gets that error first. It returns
// the field, line and reason of the first problem, or ok.
func Header(doc *yaml.Node, format string, maxVersion int) (field string, line int, reason string, ok bool) {
	if doc.Kind != yaml.MappingNode {
		return "", doc.Line, "not a YAML mapping; the file starts with 'format: " + format + "'", false
	}
	get := func(key string) *yaml.Node {
		for i := 0; i+1 < len(doc.Content); i += 2 {
			if doc.Content[i].Value == key {
				return doc.Content[i+1]
			}
		}
		return nil
	}
	f := get("format")
	if f == nil {
		return "format", 0, "missing; the file starts with 'format: " + format + "'", false
	}
	if f.Value != format {
		return "format", f.Line, fmt.Sprintf("is %q, want %q (is this the right kind of file?)", f.Value, format), false
	}
	v := get("version")
	if v == nil {
		return "version", 0, "missing", false
	}
	n, err := strconv.Atoi(v.Value)
	if err != nil || v.Tag != "!!int" {
		return "version", v.Line, fmt.Sprintf("must be an integer, got %q", v.Value), false
	}
	if n < 1 || n > maxVersion {
		return "version", v.Line, fmt.Sprintf("unknown version %d; this lifkit reads versions 1..%d (a newer lifkit may read it)", n, maxVersion), false
	}
	return "", 0, "", true
}
