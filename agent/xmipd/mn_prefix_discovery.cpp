// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/mn_prefix_discovery.hpp"

#include <algorithm>
#include <random>

#include "core/log.hpp"
#include "core/mip6_constants.hpp"
#include "nd/address.hpp"
#include "nd/mobility.hpp"

namespace xmip::agent {

using core::to_string;
using std::chrono::seconds;

MnPrefixDiscovery::MnPrefixDiscovery(core::EventLoop& loop, Wire& wire, telemetry::SignallingStats& stats, int ifindex,
                                     OnPrefixes on_prefixes)
    : loop_(loop), stats_(stats), on_prefixes_(std::move(on_prefixes)) {
    // Advertisements come to the care-of address, plain ICMPv6: the kernel
    // hands them to a raw socket like the DHAAD reply.
    socket_ = wire.open_nd(ifindex, {nd::kMobilePrefixAdvertisement});
    loop_.add_fd(socket_->fd(), [this] { on_icmp(); });
}

MnPrefixDiscovery::~MnPrefixDiscovery() {
    loop_.remove_fd(socket_->fd());
    loop_.timers().cancel(timer_);
}

void MnPrefixDiscovery::registered(const in6_addr& coa, const in6_addr& ha, uint32_t lifetime_s) {
    coa_ = coa;
    ha_ = ha;
    registration_s_ = lifetime_s;
    plan();
}

void MnPrefixDiscovery::stop() {
    coa_.reset();
    soliciting_ = false;
    loop_.timers().cancel(timer_);
    next_send_.reset();
}

void MnPrefixDiscovery::set_valid_lifetime(uint32_t valid_s) {
    infinite_ = valid_s == nd::kInfiniteLifetime;
    valid_until_ = loop_.now() + seconds(infinite_ ? 0 : valid_s);
}

void MnPrefixDiscovery::schedule(core::TimePoint at) {
    loop_.timers().cancel(timer_);
    next_send_ = at;
    timer_ = loop_.timers().schedule(at, [this] {
        timer_.reset();
        next_send_.reset();
        if (!soliciting_) {
            solicit();
            return;
        }
        timeout_ = std::min<core::Duration>(timeout_ * 2, core::kMaxBindackTimeout);
        send();
    });
}

void MnPrefixDiscovery::plan() {
    if (!coa_ || soliciting_) return;  // an outstanding solicitation keeps its backoff
    loop_.timers().cancel(timer_);
    next_send_.reset();
    if (infinite_) return;
    const auto now = loop_.now();
    if (!valid_until_ || *valid_until_ <= now) {
        solicit();
        return;
    }
    // Before the registration would outlive the prefix; never sooner than
    // half of what is left, so a short advertised lifetime is no loop.
    const auto remaining = *valid_until_ - now;
    const auto at = std::max(*valid_until_ - seconds(registration_s_), now + remaining / 2);
    schedule(at);
}

void MnPrefixDiscovery::solicit() {
    static thread_local std::mt19937 rng{std::random_device{}()};
    // RFC 6275 11.4.2: a random identifier, and a new one for each
    // solicitation, so an answer to an older one does not count.
    const uint16_t old = id_;
    do id_ = static_cast<uint16_t>(rng());
    while (id_ == old);
    soliciting_ = true;
    timeout_ = nd::kInitialSolicitTimer;
    XLOG_INFO("asking home agent %s for the home prefixes (mobile prefix solicitation)", to_string(ha_).c_str());
    send();
}

void MnPrefixDiscovery::send() {
    if (!coa_) return;
    nd::MobilePrefixSolicitation m;
    m.identifier = id_;
    if (socket_->send(ha_, nd::encode(m), &*coa_)) stats_.mps_sent++;
    last_sent_ = loop_.now();
    schedule(loop_.now() + timeout_);
}

bool MnPrefixDiscovery::valid_prefix(const nd::PrefixInformation& p) {
    if (p.prefix_length == 0 || p.prefix_length > 128) return false;
    const in6_addr net = nd::mask_prefix(p.prefix, p.prefix_length);
    // RFC 4862 5.5.3: a preferred lifetime past the valid one is invalid.
    return !nd::is_link_local(net) && !nd::is_multicast(net) && !nd::is_unspecified(net) &&
           p.preferred_lifetime <= p.valid_lifetime;
}

void MnPrefixDiscovery::on_icmp() {
    socket_->drain([this](const io::IcmpReceived& r) {
        if (r.message.empty() || r.message[0] != nd::kMobilePrefixAdvertisement) return;
        stats_.mpa_received++;
        auto m = nd::decode_mobile_prefix_advertisement(r.message);
        std::vector<nd::PrefixInformation> prefixes;
        if (m)
            for (const auto& o : m->options)
                if (const auto* pi = std::get_if<nd::PrefixInformation>(&o)) prefixes.push_back(*pi);
        // Malformed, no prefix at all, or one that cannot be a home prefix:
        // nothing of it is used.
        if (!m || prefixes.empty() || !std::all_of(prefixes.begin(), prefixes.end(), valid_prefix)) {
            stats_.mpa_drop_invalid++;
            return;
        }
        const bool ours = coa_ && core::same_addr(r.src, ha_) && core::same_addr(r.dst, *coa_);
        if (!ours || !soliciting_ || m->identifier != id_) {
            stats_.mpa_drop_misc++;
            // Unsolicited from our home agent: a hint that the home prefixes
            // changed. Asked again, the answer carries our identifier.
            const auto now = loop_.now();
            if (ours && !soliciting_ && (!last_sent_ || now - *last_sent_ >= nd::kInitialSolicitTimer)) {
                XLOG_INFO("unsolicited mobile prefix advertisement from %s: soliciting", to_string(r.src).c_str());
                solicit();
            }
            return;
        }
        soliciting_ = false;
        loop_.timers().cancel(timer_);
        next_send_.reset();
        XLOG_INFO("mobile prefix advertisement from %s: %zu prefixes", to_string(r.src).c_str(), prefixes.size());
        on_prefixes_(prefixes);
        plan();
    });
}

}  // namespace xmip::agent
