// SPDX-License-Identifier: BSD-2-Clause
// When a binding the holder of a fleet accepted shows up in the other
// members' datapath maps (xmip-bench-signalling --fleet, issue 15 item 5).
//
// The load generator reports every accepted Binding Acknowledgement; a
// thread of this class then looks the home address up in each other
// member's pinned binding map (bpf_map_lookup_elem, every --poll
// interval) until it is there: the lag of that member is the time from the
// BA's arrival at the mobile node to the first lookup that found the entry.
// The holder sends the BA only after etcd acknowledged the write, and the
// other members install the binding from their watch: an entry already
// there at the first look counts as 0 (the watch beat the BA). Resolution:
// the poll interval plus one sweep.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "datapath/maps.hpp"

namespace xmip::bench {

class BindingArrival {
public:
    using Clock = std::chrono::steady_clock;

    // pin_dirs: the other members' map directories (<pin_root>/<instance>).
    explicit BindingArrival(const std::vector<std::string>& pin_dirs,
                            std::chrono::microseconds poll = std::chrono::microseconds(500));
    ~BindingArrival();
    BindingArrival(const BindingArrival&) = delete;
    BindingArrival& operator=(const BindingArrival&) = delete;

    // A BA accepted hoa at `at`: watch for it in every member's map.
    void accepted(const xmip_in6& hoa, Clock::time_point at);
    // Waits (bounded) until every accepted binding is in every map; false
    // when some are still missing at the deadline.
    bool settle(std::chrono::milliseconds timeout);
    // The lags so far, in ms, over all members; and how many of them were
    // already there at the first look.
    std::vector<double> lag_ms() const;
    size_t found_at_first_look() const;
    // Bindings accepted and still missing from member m's map.
    size_t missing(size_t m) const;
    // Member m's map now: home addresses in it (a batch dump).
    std::vector<xmip_in6> map_keys(size_t m) const;
    size_t members() const { return maps_.size(); }

private:
    struct Watch {
        xmip_in6 hoa;
        Clock::time_point at;
        bool looked = false;
    };
    void run();

    std::vector<dp::DatapathMaps> maps_;
    const std::chrono::microseconds poll_;
    mutable std::mutex mu_;
    std::vector<std::vector<Watch>> pending_;  // per member, not yet looked at in this sweep
    std::vector<size_t> outstanding_;          // per member, accepted and not found yet
    std::vector<double> lag_ms_;
    size_t first_look_ = 0;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace xmip::bench
