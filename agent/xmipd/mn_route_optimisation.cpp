// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/mn_route_optimisation.hpp"

#include <cstring>
#include <random>

#include "control/views.hpp"
#include "core/log.hpp"
#include "rr/crypto.hpp"

namespace xmip::agent {

using core::to_string;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

MnRouteOptimisation::MnRouteOptimisation(Context& ctx, const in6_addr& hoa, const config::MobileNode& cfg,
                                         mn::RoTiming timing)
    : ctx_(ctx), hoa_(hoa), cfg_(cfg), timing_(timing), ha_(cfg.home_agent.to_in6()) {}

MnRouteOptimisation::~MnRouteOptimisation() {
    for (auto& [k, p] : peers_) ctx_.loop.timers().cancel(p.timer);
}

MnRouteOptimisation::Key MnRouteOptimisation::key(const in6_addr& a) {
    Key k;
    std::memcpy(k.data(), &a, 16);
    return k;
}

const mn::CorrespondentEntry* MnRouteOptimisation::find(const in6_addr& peer) const {
    auto it = peers_.find(key(peer));
    return it == peers_.end() ? nullptr : &it->second.entry;
}

void MnRouteOptimisation::set_config(const config::MobileNode& cfg) {
    cfg_ = cfg;
    // Switched off, or a peer now denied: its packets go back to the tunnel
    // at once; its binding at the peer lapses by itself.
    for (auto it = peers_.begin(); it != peers_.end();) {
        auto& p = it->second;
        if (cfg_.optimises(p.entry.peer())) {
            ++it;
            continue;
        }
        ctx_.loop.timers().cancel(p.timer);
        if (ctx_.ro_peers) ctx_.ro_peers->remove(hoa_, p.entry.peer());
        it = peers_.erase(it);
    }
}

void MnRouteOptimisation::moved_to(const in6_addr& coa, const in6_addr& ha) {
    away_ = true;
    coa_ = coa;
    ha_ = ha;
    // Every peer that holds (or was getting) a binding: a new care-of test
    // and a new BU before the old binding lapses (11.7.2).
    for (auto& [k, p] : peers_) apply(p, p.entry.moved_to(coa, ctx_.loop.now()));
}

void MnRouteOptimisation::reached_home() {
    away_ = false;
    if (!ctx_.ro_peers) return;
    for (auto& [k, p] : peers_) ctx_.ro_peers->remove(hoa_, p.entry.peer());
}

void MnRouteOptimisation::returned_home() {
    away_ = false;
    // Deregister with every peer that may hold a binding (home keygen token only).
    for (auto& [k, p] : peers_) apply(p, p.entry.returned_home(ctx_.loop.now()));
}

void MnRouteOptimisation::tunnelled(const in6_addr& peer) {
    if (!away_ || !cfg_.optimises(peer) || core::same_addr(peer, ha_) || core::same_addr(peer, hoa_)) return;
    auto it = peers_.find(key(peer));
    if (it == peers_.end()) {
        if (peers_.size() >= kMaxPeers) return;  // the tunnel, as without route optimisation
        std::random_device rd;                   // an unpredictable first sequence number, as the home BUL's
        it = peers_
                 .emplace(key(peer),
                          Peer{mn::CorrespondentEntry(hoa_, peer, static_cast<uint16_t>(rd()), timing_), std::nullopt})
                 .first;
        XLOG_INFO("route optimisation with %s: return routability", to_string(peer).c_str());
    }
    apply(it->second, it->second.entry.traffic(coa_, ctx_.loop.now()));
}

void MnRouteOptimisation::apply(Peer& p, const mn::RoActions& a) {
    const in6_addr peer = p.entry.peer();
    if (a.fallback && ctx_.ro_peers) ctx_.ro_peers->remove(hoa_, peer);
    if (a.send_hoti) {
        mh::HomeTestInit m;
        m.cookie = *a.send_hoti;
        mh::PacketSpec spec;
        spec.src = hoa_;
        spec.dst = peer;
        // From the home address through the reverse tunnel (RFC 6275
        // 11.6.1): the agent builds the outer header itself, so the
        // datapath's "signalling goes direct" rule does not apply to it.
        if (away_) spec.tunnel = mh::PacketSpec::Tunnel{coa_, ha_};
        if (send_mobility(ctx_, spec, m)) ctx_.stats.hoti_sent++;
    }
    if (a.send_coti) {
        mh::CareOfTestInit m;
        m.cookie = *a.send_coti;
        mh::PacketSpec spec;
        spec.src = coa_;  // directly from the care-of address
        spec.dst = peer;
        if (send_mobility(ctx_, spec, m)) ctx_.stats.coti_sent++;
    }
    if (a.send_bu) send_bu(p, *a.send_bu);
    if (a.install && ctx_.ro_peers) {
        ctx_.ro_peers->set(RoBinding{hoa_, peer, p.entry.care_of()});
        XLOG_EVENT_INFO(({{"EVENT", "ro-bound"},
                          {"HOA", to_string(hoa_)},
                          {"CN", to_string(peer)},
                          {"COA", to_string(p.entry.care_of())}}),
                        "route optimised with %s from %s for %u s", to_string(peer).c_str(),
                        to_string(p.entry.care_of()).c_str(), p.entry.granted_lifetime());
    }
    arm(p);
}

void MnRouteOptimisation::send_bu(Peer& p, const mn::RoActions::Bu& b) {
    mh::BindingUpdate bu;
    bu.sequence = b.seq;
    bu.flags = mh::BindingUpdate::flag_ack;  // H = 0: not a home registration
    bu.set_lifetime_seconds(b.lifetime_s);
    bu.options.emplace_back(mh::NonceIndices{b.home_nonce_index, b.care_of_nonce_index});
    mh::Message msg = bu;
    const auto kbm = rr::binding_key(b.home_token, b.care_of_token);
    if (!rr::sign(msg, kbm, b.care_of, p.entry.peer())) {
        XLOG_ERROR("cannot sign the BU to %s", to_string(p.entry.peer()).c_str());
        return;
    }
    mh::PacketSpec spec;
    spec.dst = p.entry.peer();
    if (b.lifetime_s == 0 && core::same_addr(b.care_of, hoa_)) {
        spec.src = hoa_;  // from home: no Home Address option
    } else {
        spec.src = b.care_of;
        spec.home_address = hoa_;
    }
    if (send_mobility(ctx_, spec, msg)) ctx_.stats.bu_sent++;
}

void MnRouteOptimisation::arm(Peer& p) {
    ctx_.loop.timers().cancel(p.timer);
    auto next = p.entry.next_timer();
    if (!next) return;
    Peer* pp = &p;  // std::map nodes do not move
    p.timer = ctx_.loop.timers().schedule(*next, [this, pp] {
        pp->timer.reset();
        apply(*pp, pp->entry.on_timer(ctx_.loop.now()));
    });
}

bool MnRouteOptimisation::on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet) {
    const auto& msg = *p.message;
    // HoT comes to the home address (decapsulated by the datapath), CoT to
    // the care-of address, the BA with a type 2 routing header; all from
    // the correspondent.
    auto it = peers_.find(key(p.info.src));
    if (const auto* hot = std::get_if<mh::HomeTest>(&msg)) {
        ctx_.stats.hot_received++;
        if (it == peers_.end() || !core::same_addr(p.info.dst, hoa_)) {
            ctx_.stats.hot_drop_misc++;
            return true;
        }
        auto& e = it->second.entry;
        if (!e.home_cookie() || *e.home_cookie() != hot->cookie) {
            ctx_.stats.hot_drop_misc++;
            return true;
        }
        apply(it->second, e.on_home_test(hot->cookie, hot->nonce_index, hot->keygen_token, ctx_.loop.now()));
        return true;
    }
    if (const auto* cot = std::get_if<mh::CareOfTest>(&msg)) {
        ctx_.stats.cot_received++;
        if (it == peers_.end() || !away_ || !core::same_addr(p.info.dst, coa_)) {
            ctx_.stats.hot_drop_misc++;
            return true;
        }
        auto& e = it->second.entry;
        if (!e.care_of_cookie() || *e.care_of_cookie() != cot->cookie) {
            ctx_.stats.hot_drop_misc++;
            return true;
        }
        apply(it->second, e.on_care_of_test(cot->cookie, cot->nonce_index, cot->keygen_token, ctx_.loop.now()));
        return true;
    }
    if (it == peers_.end()) return false;  // the home agent's, or nobody's
    if (const auto* ba = std::get_if<mh::BindingAck>(&msg)) {
        on_binding_ack(it->second, mobility_header(p, packet), *ba);
        return true;
    }
    if (const auto* be = std::get_if<mh::BindingError>(&msg)) {
        if (be->status != mh::be_status::unknown_binding_for_hao || !core::same_addr(be->home_address, hoa_))
            return false;
        ctx_.stats.be_hao_received++;
        XLOG_WARN("%s has no binding for our home address (Binding Error 1): route optimisation with it stops",
                  to_string(p.info.src).c_str());
        apply(it->second, it->second.entry.on_binding_error(ctx_.loop.now()));
        return true;
    }
    return false;
}

bool MnRouteOptimisation::on_icmp_error(const in6_addr& from, std::span<const uint8_t> icmp) {
    constexpr uint8_t kParamProblem = 4, kUnknownNextHeader = 1;
    constexpr size_t kIcmpHeader = 8, kIp6Header = 40;
    if (icmp.size() < 2 || icmp[0] != kParamProblem || icmp[1] != kUnknownNextHeader) return false;
    if (icmp.size() < kIcmpHeader + kIp6Header || (icmp[kIcmpHeader] >> 4) != 6) {
        ctx_.stats.icmp_drop_invalid++;
        return false;
    }
    const uint32_t pointer = (uint32_t{icmp[4]} << 24) | (uint32_t{icmp[5]} << 16) | (uint32_t{icmp[6]} << 8) | icmp[7];
    const auto quote = icmp.subspan(kIcmpHeader);
    in6_addr src, dst;
    std::memcpy(&src, quote.data() + 8, 16);
    std::memcpy(&dst, quote.data() + 24, 16);
    // The next-header byte that names the Mobility Header: the IPv6
    // header's, or the last of the extension headers a BU may carry.
    size_t nh_at = 6, off = kIp6Header;
    while (quote[nh_at] == IPPROTO_HOPOPTS || quote[nh_at] == IPPROTO_DSTOPTS || quote[nh_at] == IPPROTO_ROUTING) {
        if (off + 2 > quote.size()) {
            ctx_.stats.icmp_drop_invalid++;
            return false;
        }
        nh_at = off;
        off += (size_t{quote[off + 1]} + 1) * 8;
    }
    if (quote[nh_at] != IPPROTO_MH || pointer != nh_at) return false;  // about something else
    if (off + 3 > quote.size()) {
        ctx_.stats.icmp_drop_invalid++;  // no MH type to tell ours
        return false;
    }
    const uint8_t type = quote[off + 2];
    const bool ours = core::same_addr(src, hoa_) || (away_ && core::same_addr(src, coa_));
    const bool rr = type == mh::mh_type::hoti || type == mh::mh_type::coti || type == mh::mh_type::bu;
    auto it = peers_.find(key(dst));
    if (!ours || !rr || !core::same_addr(from, dst) || it == peers_.end()) return false;
    ctx_.stats.icmp_pp_mh_received++;
    XLOG_WARN("%s does not know the Mobility Header (ICMPv6 Parameter Problem 1): route optimisation with it stops",
              to_string(from).c_str());
    apply(it->second, it->second.entry.on_mobility_header_unknown(ctx_.loop.now()));
    return true;
}

void MnRouteOptimisation::on_binding_ack(Peer& p, std::span<const uint8_t> mh, const mh::BindingAck& ba) {
    auto& e = p.entry;
    const auto& bu = e.last_bu();
    const bool nonce_expired =
        ba.status >= mh::ba_status::expired_home_nonce && ba.status <= mh::ba_status::expired_nonces;
    // A correspondent's BA carries Binding Authorization Data made with the
    // BU's Kbm (RFC 6275 6.1.8), over the BU's care-of address and its own
    // address, except the expired-nonce statuses: it could not make a Kbm.
    if (!nonce_expired) {
        const bool has_bad =
            !ba.options.empty() && std::holds_alternative<mh::BindingAuthorizationData>(ba.options.back());
        if (!bu || !has_bad ||
            !rr::verify(rr::binding_key(bu->home_token, bu->care_of_token), mh, bu->care_of, e.peer())) {
            ctx_.stats.ba_drop_auth++;
            return;
        }
    }
    auto a = e.on_binding_ack(ba.status, ba.sequence, ba.lifetime_seconds(), ctx_.loop.now());
    if (ba.accepted())
        ctx_.stats.ba_received++;
    else
        ctx_.stats.ba_nack_received++;
    ctx_.stats.ba_status_received[ba.status]++;
    if (ba.status >= 128 && !nonce_expired && ba.status != mh::ba_status::sequence_out_of_window)
        XLOG_WARN("%s refused route optimisation: status %u; its traffic stays in the tunnel",
                  to_string(e.peer()).c_str(), ba.status);
    apply(p, a);
}

void MnRouteOptimisation::stop() {
    for (auto& [k, p] : peers_) {
        ctx_.loop.timers().cancel(p.timer);
        if (ctx_.ro_peers) ctx_.ro_peers->remove(hoa_, p.entry.peer());
    }
}

nlohmann::json MnRouteOptimisation::entries() const {
    const auto now = ctx_.loop.now();
    auto ms = [](core::Duration d) { return static_cast<long>(duration_cast<milliseconds>(d).count()); };
    auto age = [&](const std::optional<core::TimePoint>& t) {
        return t ? static_cast<long>(duration_cast<seconds>(now - *t).count()) : -1L;
    };
    nlohmann::json out = nlohmann::json::array();
    for (const auto& [k, p] : peers_) {
        const auto& e = p.entry;
        control::BulEntry r;
        r.recipient = "cn";
        r.correspondent = to_string(e.peer());
        r.home_agent = to_string(ha_);
        r.home_address = to_string(hoa_);
        r.care_of_address = away_ ? to_string(e.care_of()) : "";
        r.state = std::string(mn::to_string(e.state()));
        r.sequence = e.last_seq();
        r.lifetime = e.granted_lifetime();
        r.retransmit_delay_ms = ms(e.retransmit_delay());
        r.max_delay_ms = ms(timing_.max);
        r.transmissions = e.transmissions();
        r.expires_in = e.expires() ? std::max<long>(0, duration_cast<seconds>(*e.expires() - now).count()) : 0;
        r.next_event_in_ms = e.next_timer() ? std::max<long>(0, ms(*e.next_timer() - now)) : -1;
        r.home_token_age_s = age(e.home_token_received());
        r.care_of_token_age_s = age(e.care_of_token_received());
        out.push_back(r);
    }
    return out;
}

}  // namespace xmip::agent
