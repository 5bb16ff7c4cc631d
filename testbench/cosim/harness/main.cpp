// lifkit co-simulation harness: the Verilated family top level (lif_core + link_host) with its
// UART driven at bit level. Bytes read from stdin are sent into uart_rx_i as 8N1 frames at
// CLKS_PER_BIT clocks per bit; bytes the design sends on uart_tx_o are decoded the same way
// (mid-bit sampling, stop bit checked) and written to stdout. EOF on stdin ends the run.
// stderr gets one line at exit: clocks simulated, bytes in and out, framing errors seen.
// Line noise at bit level: COSIM_BIT_NOISE=p inverts each bit time of either line (start, data
// and stop bits alike) with probability p, from a generator seeded with COSIM_SEED.
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <deque>
#include <memory>
#include <poll.h>
#include <unistd.h>
#include <fcntl.h>

#include "Vtop.h"
#include "verilated.h"

#ifndef CLKS_PER_BIT
#error "CLKS_PER_BIT must be defined (clock / baud)"
#endif

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static double next_unit() {  // xorshift64*
    rng_state ^= rng_state >> 12; rng_state ^= rng_state << 25; rng_state ^= rng_state >> 27;
    return (double)((rng_state * 0x2545F4914F6CDD1Dull) >> 11) / 9007199254740992.0;
}

int main(int argc, char** argv) {
    double bit_noise = 0;
    if (const char* p = getenv("COSIM_BIT_NOISE")) bit_noise = atof(p);
    if (const char* p = getenv("COSIM_SEED")) rng_state ^= strtoull(p, nullptr, 10) * 0xD1B54A32D192ED03ull;
    uint64_t flips = 0;
    const char* dir = getenv("COSIM_BIT_NOISE_DIR");  // "rx", "tx" or unset for both
    bool noise_rx = !dir || dir[0] != 't', noise_tx = !dir || dir[0] != 'r';
    bool rx_flip = false, tx_flip = false;
    auto ctx = std::make_unique<VerilatedContext>();
    ctx->commandArgs(argc, argv);
    auto top = std::make_unique<Vtop>(ctx.get());
    fcntl(0, F_SETFL, fcntl(0, F_GETFL) | O_NONBLOCK);

    std::deque<uint8_t> in;
    uint8_t outbuf[4096];
    size_t outn = 0;
    uint64_t clocks = 0, bytes_in = 0, bytes_out = 0, ferr = 0;
    bool eof = false;

    // rx driver state
    int rx_bit = -1, rx_cnt = 0;  // -1 idle; 0 start; 1..8 data; 9 stop
    uint8_t rx_byte = 0;
    // tx decoder state
    int tx_bit = -1, tx_cnt = 0;
    uint8_t tx_byte = 0;
    uint64_t quiet = 0, since_poll = 0;

    top->uart_rx_i = 1;
    top->rst_i = 1;
    auto tick = [&]() {
        top->clk_i = 0; top->eval();
        top->clk_i = 1; top->eval();
        clocks++;
    };
    for (int i = 0; i < 40; i++) tick();
    top->rst_i = 0;

    for (;;) {
        // fetch input when the queue is empty (or poll for it when quiet for long)
        if (in.empty() && !eof) {
            int timeout = 0;
            if (quiet > 200000 && since_poll > 50000 && rx_bit < 0 && tx_bit < 0) timeout = 5;
            if (timeout > 0 || since_poll > 2000) {
                if (outn) { if (write(1, outbuf, outn) < 0) return 1; outn = 0; }
                struct pollfd p = {0, POLLIN, 0};
                if (poll(&p, 1, timeout) > 0) {
                    uint8_t b[4096];
                    ssize_t n = read(0, b, sizeof b);
                    if (n > 0) { in.insert(in.end(), b, b + n); bytes_in += n; quiet = 0; }
                    else if (n == 0) eof = true;
                }
                since_poll = 0;
            }
        }
        if (eof && in.empty() && rx_bit < 0 && tx_bit < 0 && quiet > 1000) break;
        // drive rx
        if (rx_bit < 0 && !in.empty()) {
            rx_byte = in.front(); in.pop_front();
            rx_bit = 0; rx_cnt = 0;
        }
        if (rx_bit >= 0) {
            if (rx_cnt == 0) { rx_flip = noise_rx && bit_noise > 0 && next_unit() < bit_noise; flips += rx_flip; }
            int level = rx_bit == 0 ? 0 : rx_bit <= 8 ? (rx_byte >> (rx_bit - 1)) & 1 : 1;
            top->uart_rx_i = level ^ (rx_flip ? 1 : 0);
            if (++rx_cnt == CLKS_PER_BIT) { rx_cnt = 0; if (++rx_bit == 10) rx_bit = -1; }
        } else {
            // idle line: noise here makes false start bits in the board's receiver
            if (noise_rx && bit_noise > 0 && clocks % CLKS_PER_BIT == 0) { rx_flip = next_unit() < bit_noise; flips += rx_flip; }
            else if (!noise_rx || bit_noise <= 0) rx_flip = false;
            top->uart_rx_i = rx_flip ? 0 : 1;
        }
        tick();
        since_poll++;
        // decode tx (bit noise inverts whole bit times as the decoder sees them)
        int line = top->uart_tx_o;
        if (noise_tx && bit_noise > 0 && clocks % CLKS_PER_BIT == 0) { tx_flip = next_unit() < bit_noise; flips += tx_flip; }
        line ^= tx_flip ? 1 : 0;
        if (tx_bit < 0) {
            if (!line) { tx_bit = 0; tx_cnt = CLKS_PER_BIT / 2; tx_byte = 0; }
            quiet++;
        } else if (--tx_cnt == 0) {
            tx_cnt = CLKS_PER_BIT;
            if (tx_bit == 0) {
                if (line) tx_bit = -1; else tx_bit = 1;   // glitch check
            } else if (tx_bit <= 8) {
                tx_byte |= line << (tx_bit - 1); tx_bit++;
            } else {
                if (line) { outbuf[outn++] = tx_byte; bytes_out++; } else ferr++;
                tx_bit = -1; quiet = 0;
                if (outn == sizeof outbuf) { if (write(1, outbuf, outn) < 0) return 1; outn = 0; }
            }
        }
        if (rx_bit >= 0) quiet = 0;
    }
    if (outn && write(1, outbuf, outn) < 0) return 1;
    fprintf(stderr, "cosim: %llu clocks, %llu bytes in, %llu bytes out, %llu framing errors, %llu bits inverted\n",
            (unsigned long long)clocks, (unsigned long long)bytes_in, (unsigned long long)bytes_out,
            (unsigned long long)ferr, (unsigned long long)flips);
    top->final();
    return 0;
}
