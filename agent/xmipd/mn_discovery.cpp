// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/mn_discovery.hpp"

#include <random>

#include "core/log.hpp"
#include "nd/address.hpp"
#include "nd/mobility.hpp"

namespace xmip::agent {

using core::to_string;

MnDiscovery::MnDiscovery(core::EventLoop& loop, Wire& wire, telemetry::SignallingStats& stats, int ifindex,
                         const core::Prefix& home_prefix, std::function<void(const in6_addr&)> on_found)
    : loop_(loop), stats_(stats), on_found_(std::move(on_found)) {
    auto a = nd::home_agents_anycast(home_prefix.addr, home_prefix.len);
    if (!a)
        throw std::runtime_error("home prefix " + home_prefix.str() + " is too long for a Home-Agents anycast address");
    anycast_ = *a;
    // Replies come to the care-of address, an ordinary unicast ICMPv6
    // message: the kernel delivers it to a raw socket like any other.
    socket_ = wire.open_nd(ifindex, {nd::kDhaadReply});
    loop_.add_fd(socket_->fd(), [this] { on_icmp(); });
    static thread_local std::mt19937 rng{std::random_device{}()};
    id_ = static_cast<uint16_t>(rng());
}

MnDiscovery::~MnDiscovery() {
    loop_.remove_fd(socket_->fd());
    loop_.timers().cancel(timer_);
}

void MnDiscovery::discover(const in6_addr& coa) {
    coa_ = coa;
    list_.clear();
    next_ = 0;
    current_.reset();
    id_++;  // a new request: replies to older ones are not for it
    transmissions_ = 0;
    timeout_ = nd::kInitialDhaadTimeout;
    XLOG_INFO("discovering a home agent at %s from %s", to_string(anycast_).c_str(), to_string(coa).c_str());
    send_request();
}

void MnDiscovery::send_request() {
    nd::DhaadRequest r;
    r.identifier = id_;
    if (socket_->send(anycast_, nd::encode(r), &coa_)) stats_.hareq_sent++;
    transmissions_++;
    // RFC 6275 11.4.1: INITIAL_DHAAD_TIMEOUT, doubled for each of the
    // DHAAD_RETRIES retransmissions; past them the request keeps going at
    // the longest interval (a node without a home agent has nothing better
    // to do, and that is one small packet in 48 s).
    loop_.timers().cancel(timer_);
    timer_ = loop_.timers().schedule(loop_.now() + timeout_, [this] {
        timer_.reset();
        if (transmissions_ <= nd::kDhaadRetries) timeout_ *= 2;
        send_request();
    });
}

void MnDiscovery::on_icmp() {
    socket_->drain([this](const io::IcmpReceived& r) {
        if (r.message.empty() || r.message[0] != nd::kDhaadReply) return;
        stats_.harep_received++;
        auto m = nd::decode_dhaad_reply(r.message);
        if (!m) {
            stats_.harep_drop_invalid++;
            return;
        }
        // Only the answer to our outstanding request, with someone in it.
        if (!timer_ || m->identifier != id_ || !core::same_addr(r.dst, coa_)) {
            stats_.harep_drop_misc++;
            return;
        }
        std::vector<in6_addr> usable;
        for (const auto& a : m->home_agents)
            if (!nd::is_unspecified(a) && !nd::is_multicast(a) && !nd::is_link_local(a)) usable.push_back(a);
        if (usable.empty()) {
            stats_.harep_drop_invalid++;  // keep asking: an empty list is no answer
            return;
        }
        loop_.timers().cancel(timer_);
        list_ = std::move(usable);
        next_ = 0;
        XLOG_INFO("DHAAD reply from %s: %zu home agents, first %s", to_string(r.src).c_str(), list_.size(),
                  to_string(list_[0]).c_str());
        take_next();
    });
}

void MnDiscovery::take_next() {
    current_ = list_[next_++];
    on_found_(*current_);
}

void MnDiscovery::failed(const in6_addr& coa) {
    coa_ = coa;
    if (next_ < list_.size()) {
        XLOG_WARN("home agent %s does not register us: trying the next one",
                  current_ ? to_string(*current_).c_str() : "?");
        take_next();
    } else {
        discover(coa);
    }
}

}  // namespace xmip::agent
