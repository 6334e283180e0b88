// SPDX-License-Identifier: BSD-2-Clause
#include "datapath/signal_reader.hpp"

#include <bpf/libbpf.h>

#include <cerrno>

#include "datapath/error.hpp"

namespace xmip::dp {

SignalReader::SignalReader(int ring_fd, Handler handler) : handler_(std::move(handler)) {
    rb_ = ring_buffer__new(ring_fd, &SignalReader::on_sample, this, nullptr);
    if (!rb_) throw DatapathError("cannot open the signalling ring buffer", errno);
}

SignalReader::~SignalReader() { ring_buffer__free(rb_); }

int SignalReader::on_sample(void* ctx, void* data, size_t size) {
    auto* self = static_cast<SignalReader*>(ctx);
    if (size < sizeof(xmip_signal_event)) return 0;  // not ours: skip, keep reading
    const auto* ev = static_cast<const xmip_signal_event*>(data);
    uint32_t len = ev->len <= XMIP_SIGNAL_MAX_LEN ? ev->len : XMIP_SIGNAL_MAX_LEN;
    self->handler_(SignalPacket{ev->ifindex, ev->orig_len, ev->kind, {ev->data, len}});
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
