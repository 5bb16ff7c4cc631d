// lifkit Verilator harness: drives lif_core from binary frames on stdin and answers on stdout.
// All words are little-endian uint32. Commands:
//   1 WRITE addr data                     host port write (no answer)
//   2 READ addr                           answer: 2 data
//   3 RUN steps mode clear [events]       events (mode 0): per step: n, n indices
//                                         answer: 3, per step: clocks nupd {w0 I V} x nupd,
//                                         then total clocks
//   4 SYNC                                answer: 4, flushes stdout
//   0 QUIT
// w0 = index | layer << 16 | spike << 20 | refr << 24.
// argv: +verilator+... arguments, --waves FILE (needs a build with --trace-fst).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "Vlif_core.h"
#include "verilated.h"
#ifdef LIF_TRACE
#include "verilated_fst_c.h"
#endif

static std::unique_ptr<VerilatedContext> ctx;
static Vlif_core* top;
#ifdef LIF_TRACE
static VerilatedFstC* tfp;
#endif
static uint64_t now;
static std::vector<uint32_t> out;

static void flush_out() {
    if (!out.empty()) {
        fwrite(out.data(), 4, out.size(), stdout);
        out.clear();
    }
    fflush(stdout);
}

static bool get(uint32_t& v) { return fread(&v, 4, 1, stdin) == 1; }

static uint32_t need() {
    uint32_t v;
    if (!get(v)) {
        fprintf(stderr, "harness: truncated command stream\n");
        exit(2);
    }
    return v;
}

// One rising edge: inputs set by the caller are sampled; outputs read afterwards are the new
// register values.
static void tick();

// await_grant holds the request until host_gnt_o (the core's handshake: a transfer happens in a
// clock with host_req_i & host_gnt_o); false after 16 clocks without a grant.
static bool await_grant(uint32_t a) {
    top->eval();
    for (int g = 0; !top->host_gnt_o; g++) {
        if (g > 16) {
            fprintf(stderr, "harness: access to %08x never granted\n", a);
            return false;
        }
        tick();
        top->eval();
    }
    return true;
}

static void tick() {
    top->clk_i = 1;
    top->eval();
#ifdef LIF_TRACE
    if (tfp) tfp->dump(now * 2 + 1);
#endif
    top->clk_i = 0;
    top->eval();
#ifdef LIF_TRACE
    if (tfp) tfp->dump(now * 2 + 2);
#endif
    now++;
}

int main(int argc, char** argv) {
    ctx.reset(new VerilatedContext);
    ctx->commandArgs(argc, argv);
    top = new Vlif_core{ctx.get()};
    const char* waves = nullptr;
    for (int i = 1; i + 1 < argc; i++)
        if (!strcmp(argv[i], "--waves")) waves = argv[i + 1];
#ifdef LIF_TRACE
    if (waves) {
        ctx->traceEverOn(true);
        tfp = new VerilatedFstC;
        top->trace(tfp, 99);
        tfp->open(waves);
    }
#else
    if (waves) {
        fprintf(stderr, "harness: --waves needs a build with tracing (LIFKIT_WAVES)\n");
        return 2;
    }
#endif
    top->clk_i = 0;
    top->rst_i = 1;
    top->host_req_i = 0;
    top->run_start_i = 0;
    top->ev_valid_i = 0;
    top->eval();
    for (int i = 0; i < 4; i++) tick();
    top->rst_i = 0;
    tick();

    std::vector<uint32_t> evs;
    uint32_t cmd;
    while (get(cmd)) {
        if (cmd == 0) break;
        switch (cmd) {
        case 1: {
            uint32_t a = need(), d = need();
            top->host_req_i = 1;
            top->host_we_i = 1;
            top->host_addr_i = a;
            top->host_wdata_i = d;
            if (!await_grant(a)) return 3;
            tick();
            top->host_req_i = 0;
            top->host_we_i = 0;
            break;
        }
        case 2: {
            uint32_t a = need();
            top->host_req_i = 1;
            top->host_we_i = 0;
            top->host_addr_i = a;
            if (!await_grant(a)) return 3;
            tick();
            top->host_req_i = 0;
            int guard = 0;
            while (!top->host_rvalid_o) {
                tick();
                if (++guard > 16) {
                    fprintf(stderr, "harness: read of %08x never returned\n", a);
                    return 3;
                }
            }
            out.push_back(2);
            out.push_back(top->host_rdata_o);
            tick();
            break;
        }
        case 3: {
            uint32_t steps = need(), mode = need(), clear = need();
            out.push_back(3);
            top->run_start_i = 1;
            top->run_steps_i = steps;
            top->run_mode_i = mode & 1;
            top->run_clear_i = clear & 1;
            tick();
            top->run_start_i = 0;
            uint64_t t0 = now, ts = now;
            uint64_t total_start = now - 1;
            for (uint32_t s = 0; s < steps; s++) {
                evs.clear();
                if (mode == 0) {
                    uint32_t n = need();
                    for (uint32_t i = 0; i < n; i++) evs.push_back(need());
                }
                size_t pos = 0;
                bool eos_sent = (mode != 0);
                size_t hdr = out.size();
                out.push_back(0);  // clocks
                out.push_back(0);  // updates
                uint32_t nupd = 0;
                for (;;) {
                    bool accept = false;
                    if (!eos_sent && top->ev_ready_o) {
                        top->ev_valid_i = 1;
                        if (pos < evs.size()) {
                            top->ev_eos_i = 0;
                            top->ev_index_i = evs[pos];
                        } else {
                            top->ev_eos_i = 1;
                            top->ev_index_i = 0;
                        }
                        accept = true;
                    } else {
                        top->ev_valid_i = 0;
                    }
                    tick();
                    top->ev_valid_i = 0;
                    if (accept) {
                        if (pos < evs.size()) pos++;
                        else eos_sent = true;
                    }
                    if (top->upd_valid_o) {
                        out.push_back(top->upd_index_o | (uint32_t)top->upd_layer_o << 16 |
                                      (uint32_t)top->upd_spike_o << 20 | (uint32_t)top->upd_refr_o << 24);
                        out.push_back(top->upd_i_o);
                        out.push_back(top->upd_v_o);
                        nupd++;
                    }
                    if (top->step_done_o) break;
                    if (now - ts > 100000000ull) {
                        fprintf(stderr, "harness: step %u did not finish in 1e8 clocks\n", s);
                        return 3;
                    }
                }
                out[hdr] = (uint32_t)(now - ts);
                out[hdr + 1] = nupd;
                ts = now;
            }
            while (!top->done_o && top->busy_o) tick();
            (void)t0;
            out.push_back((uint32_t)(now - total_start));
            if (out.size() > (1u << 20)) {
                fwrite(out.data(), 4, out.size(), stdout);
                out.clear();
            }
            break;
        }
        case 4:
            out.push_back(4);
            flush_out();
            break;
        default:
            fprintf(stderr, "harness: unknown command %u\n", cmd);
            return 2;
        }
    }
    flush_out();
#ifdef LIF_TRACE
    if (tfp) tfp->close();
#endif
    top->final();
    delete top;
    return 0;
}
