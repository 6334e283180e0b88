// SPDX-License-Identifier: BSD-2-Clause
// Reads the Mobility Header packets the datapath hands to the agent (see
// bpf/signal.bpf.h) from the signalling ring buffer.
#pragma once

#include <cstdint>
#include <functional>
#include <span>

#include "xmip_shared.h"

struct ring_buffer;

namespace xmip::dp {

struct SignalPacket {
    uint32_t ifindex;
    uint32_t orig_len;                 // length on the wire
    // XMIP_SIG_*: Mobility Header signalling, an unbound Home Address option,
    // or an RO hint (the tunnelled packet's IPv6 header).
    uint32_t kind;
    std::span<const uint8_t> packet;  // from the IPv6 header; valid during the callback
};

class SignalReader {
public:
    using Handler = std::function<void(const SignalPacket&)>;
    SignalReader(int ring_fd, Handler handler);  // throws DatapathError
    ~SignalReader();
    SignalReader(const SignalReader&) = delete;
    SignalReader& operator=(const SignalReader&) = delete;

    // Waits up to timeout_ms for packets and handles all that are queued.
    // Returns how many were handled.
    int poll(int timeout_ms);
    // Handles what is queued without waiting.
    int drain();
    // For an event loop: readable when packets are queued.
    int fd() const;

private:
    static int on_sample(void* ctx, void* data, size_t size);
    ring_buffer* rb_ = nullptr;
    Handler handler_;
};

}  // namespace xmip::dp
