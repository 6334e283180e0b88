// SPDX-License-Identifier: BSD-2-Clause
// A watch on a key range (POST /v3/watch, a stream) that fits a poll(2)
// event loop: the stream is read by a thread of its own, and what it reads
// waits in a queue behind an eventfd; the loop polls fd() and calls take().
// The consumer never blocks on etcd.
//
// A broken stream (member died, network) is opened again on the next
// member from the revision after the last one seen, so no event is lost or
// seen twice, as long as etcd still has that history. When it does not
// (compacted), the watch ends with compact_revision set: the consumer reads
// the range again and starts a new Watcher from that read's revision + 1.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "etcd/messages.hpp"
#include "etcd/transport.hpp"

namespace xmip::etcd {

class Watcher {
public:
    struct Received {
        WatchResponse response;
        std::chrono::system_clock::time_point at;  // when it was read (watch lag)
    };
    struct Taken {
        std::vector<Received> responses;  // with events, or the canceled one
        std::optional<Error> error;       // the last failure since the last take()
        bool connected = false;           // a stream is open now
        bool ended = false;               // canceled: see the class comment
        int64_t next_revision = 0;        // where a reopened stream starts
    };

    // Starts watching at once (req.start_revision 0: from now).
    Watcher(TransportOptions opts, WatchCreateRequest req);
    ~Watcher();  // stops the thread (promptly: the stream is woken)
    Watcher(const Watcher&) = delete;
    Watcher& operator=(const Watcher&) = delete;

    // Readable when take() has something new; take() clears it.
    int fd() const { return efd_; }
    Taken take();

private:
    void run();
    bool on_message(const Json& j);
    void notify();

    Transport t_;
    WatchCreateRequest req_;
    int efd_ = -1;
    std::atomic<bool> stop_{false};
    std::mutex mu_;
    std::condition_variable cv_;  // the backoff between reconnects
    Taken pending_;               // under mu_
    std::thread thread_;
};

}  // namespace xmip::etcd
