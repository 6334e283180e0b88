// SPDX-License-Identifier: BSD-2-Clause
// The fleet members' heartbeat on the home link (docs/scale-out.md, "Faster
// than the lease"). Each member multicasts a small UDP datagram every
// interval to ff02::114 (IANA's "any private experiment" group, link scope)
// with hop limit 255, and hears the others' (hop limit 255 only: from the
// link itself). A holder silent for cluster.failure_detection has its lease
// revoked by the others (HaFleet), so its addresses move in well under a
// second instead of a lease TTL.
//
// Only silence acts: a forged heartbeat can keep a dead holder "alive" no
// longer than its lease, the bound without this detector. A member whose
// own link is down hears nobody and says so (peers() is empty), so it
// evicts nobody.
//
// It runs on a thread of its own: a loop held up by a slow commit must
// neither delay this member's heartbeats (its peers would take its
// addresses) nor make it think its peers silent.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "xmipd/fleet_ports.hpp"

namespace xmip::agent {

inline constexpr char kHeartbeatGroup[] = "ff02::114";

// The datagram: "XMHB", version 1, the member name's length (1 to 63), the
// name. decode: nullopt for anything else (another version, a bad length,
// trailing bytes).
std::vector<uint8_t> encode_heartbeat(const std::string& member);
std::optional<std::string> decode_heartbeat(std::span<const uint8_t> b);

class HomeLinkHeartbeat final : public FleetLiveness {
public:
    // Throws std::runtime_error naming the link and the port when the socket
    // cannot be had (the port taken, no such link).
    HomeLinkHeartbeat(int ifindex, std::string member, uint16_t port, std::chrono::milliseconds interval);
    ~HomeLinkHeartbeat() override;
    HomeLinkHeartbeat(const HomeLinkHeartbeat&) = delete;
    HomeLinkHeartbeat& operator=(const HomeLinkHeartbeat&) = delete;

    std::vector<Peer> peers() const override;
    Counters counters() const override;

private:
    void run();  // the thread
    void send_one();
    void receive();

    int ifindex_;
    std::string ifname_;
    std::string member_;
    uint16_t port_;
    std::chrono::milliseconds interval_;
    int fd_ = -1, stop_fd_ = -1;
    mutable std::mutex mu_;
    std::map<std::string, std::chrono::steady_clock::time_point> heard_;  // guarded by mu_
    bool link_ok_ = false;                                                // guarded: the last send went out, carrier up
    Counters counters_;                                                   // guarded by mu_
    std::thread thread_;
};

}  // namespace xmip::agent
