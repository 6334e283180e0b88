// SPDX-License-Identifier: BSD-2-Clause
#include "datapath/signal_reader.hpp"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "datapath/error.hpp"

namespace xmip::dp {

SignalReader::SignalReader(int ring_fd, Handler handler) : handler_(std::move(handler)) {
    rb_ = ring_buffer__new(ring_fd, &SignalReader::on_sample, this, nullptr);
    if (!rb_) throw DatapathError("cannot open the signalling ring buffer", errno);
}

SignalReader::~SignalReader() { ring_buffer__free(rb_); }

int SignalReader::on_sample(void* ctx, void* data, size_t size) {
    auto* self = static_cast<SignalReader*>(ctx);
    // A record holds the header and what data[] it was reserved with: the
    // whole struct, or XMIP_SIGNAL_SMALL_LEN bytes of data for a small
    // packet (bpf/signal.bpf.h). Never read past it.
    if (size < XMIP_SIGNAL_HDR_LEN) return 0;  // not ours: skip, keep reading
    const auto* bytes = static_cast<const uint8_t*>(data);
    xmip_signal_event ev;  // its header only: data[] is read in place below
    std::memcpy(&ev, bytes, XMIP_SIGNAL_HDR_LEN);
    const size_t room = std::min<size_t>(size - XMIP_SIGNAL_HDR_LEN, XMIP_SIGNAL_MAX_LEN);
    const auto len = static_cast<uint32_t>(std::min<size_t>(ev.len, room));
    self->handler_(SignalPacket{ev.ifindex, ev.orig_len, ev.kind, {bytes + XMIP_SIGNAL_HDR_LEN, len}});
    return 0;
}

int SignalReader::poll(int timeout_ms) {
    int n = ring_buffer__poll(rb_, timeout_ms);
    if (n < 0 && n != -EINTR) throw DatapathError("cannot read the signalling ring buffer", n);
    return n < 0 ? 0 : n;
}

int SignalReader::drain() {
    int n = ring_buffer__consume(rb_);
    if (n < 0) throw DatapathError("cannot read the signalling ring buffer", n);
    return n;
}

int SignalReader::fd() const { return ring_buffer__epoll_fd(rb_); }

}  // namespace xmip::dp
