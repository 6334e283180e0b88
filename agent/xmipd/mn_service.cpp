// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/mn_service.hpp"

#include <linux/if_addr.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/icmp6.h>

#include <fstream>

#include "auth/ba_check.hpp"
#include "auth/ntp_time.hpp"
#include "core/host.hpp"
#include "core/log.hpp"
#include "datapath/in6.hpp"
#include "nd/neighbour.hpp"
#include "nd/validate.hpp"
#include "xmipd/auth_config.hpp"

namespace xmip::agent {

using core::to_string;
using Kind = mn::BaResult::Kind;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

// Below the kernel's RA-learned default route (1024): ours, with the home
// address as source, wins while away.
constexpr unsigned kDefaultRouteMetric = 512;

void sysctl(const std::string& ifname, const std::string& key, const std::string& value) {
    if (!core::set_ipv6_conf(ifname, key, value)) XLOG_WARN("cannot set %s on %s", key.c_str(), ifname.c_str());
}

// On a new link, the routers of the links we left are gone, but the kernel
// keeps the default route each one's RAs taught it for the router lifetime
// (30 s with the guide's radvd). Carrier loss flushed their neighbour
// entries, and a router without one scores as well as the reachable one: the
// kernel may pick it and traffic waits seconds for neighbour resolution to
// fail (seen back home, pings lost for 3 s). Only the router just heard stays.
void forget_other_routers(netlink::Netlink& nl, int ifindex, const in6_addr& router) {
    for (const auto& r : nl.ra_default_routes(ifindex)) {
        if (core::same_addr(*r.gateway, router)) continue;
        XLOG_DEBUG("forgetting the default router %s of a previous link", to_string(*r.gateway).c_str());
        nl.del_route(r);
    }
}

}  // namespace

MnService::MnService(Context& ctx, const config::Config& cfg)
    : ctx_(ctx),
      cfg_(*cfg.mobile_node),
      hoa_(cfg_.home_address.to_in6()),
      ha_(cfg_.home_agent.to_in6()),
      home_prefix_{cfg_.home_prefix.network().address.to_in6(), cfg_.home_prefix.length},
      bul_(hoa_, ha_, cfg_.lifetime) {
    if (cfg_.authentication) sa_ = to_auth(*cfg_.authentication);
    ifindex_ = core::ifindex_of(cfg_.interface);
    auto link = ctx_.netlink.link(ifindex_);
    mac_ = link.mac;
    link_mtu_ = link.mtu;
    link_up_ = link.up && link.running;
    // A host that moves: it takes router advertisements, but forms its
    // care-of addresses itself (one per visited link, removed when it leaves:
    // the guide's FAQ 6), optimistically so the first BU need not wait.
    sysctl(cfg_.interface, "forwarding", "0");
    sysctl(cfg_.interface, "accept_ra", "1");
    sysctl(cfg_.interface, "autoconf", "0");
    // Prefixes are ours to act on: an on-link route for the home prefix
    // learned at home would outlive the move and make the home agent look
    // on-link on every visited link.
    sysctl(cfg_.interface, "accept_ra_pinfo", "0");
    if (cfg_.optimistic_dad) {
        sysctl(cfg_.interface, "optimistic_dad", "1");
        sysctl(cfg_.interface, "use_optimistic", "1");
    }
    // A predecessor's live registration (the state file) is taken over:
    // its care-of address, tunnel and route stay.
    recover(cfg);
    // Addresses the kernel autoconfigured before we took over (or a crashed
    // predecessor's care-of addresses) would be stale on the next link.
    for (const auto& a : ctx_.netlink.addresses(ifindex_))
        if (a.scope == RT_SCOPE_UNIVERSE && !(a.flags & IFA_F_PERMANENT) && !core::same_addr(a.addr, hoa_) &&
            !(coa_ && core::same_addr(a.addr, *coa_))) {
            XLOG_INFO("removing stale address %s/%u", to_string(a.addr).c_str(), a.prefixlen);
            ctx_.netlink.del_addr(ifindex_, a.addr, a.prefixlen);
        }
    ctx_.maps.add_local_addr(dp::to_xmip(hoa_), XMIP_LF_SIGNALLING);
    icmp_ = std::make_unique<io::IcmpSocket>(ifindex_, std::initializer_list<uint8_t>{ND_ROUTER_ADVERT});
    ctx_.loop.add_fd(icmp_->fd(), [this] {
        icmp_->drain([this](const io::IcmpReceived& r) {
            auto m = nd::decode_received(nd::ReceiveInfo{r.src, r.dst, r.hop_limit}, r.message);
            if (!m) return;
            if (auto* ra = std::get_if<nd::RouterAdvertisement>(&*m)) on_router_advertisement(r.src, *ra);
        });
    });
    ctx_.loop.add_fd(monitor_.fd(), [this] { on_link_events(); });
    ctx_.observe().binding_update_list(mn::to_string(bul_.state()));
    send_router_solicitation();  // where are we? (guide 5.1: RS at start)
    XLOG_INFO("mobile node %s, home agent %s, on %s", to_string(hoa_).c_str(), to_string(ha_).c_str(),
              cfg_.interface.c_str());
}

MnService::~MnService() {
    ctx_.loop.remove_fd(icmp_->fd());
    ctx_.loop.remove_fd(monitor_.fd());
    ctx_.loop.timers().cancel(bul_timer_);
    ctx_.loop.timers().cancel(router_silence_timer_);
    ctx_.loop.timers().cancel(dereg_timer_);
}

in6_addr MnService::care_of_for(const core::Prefix& p) const {
    // Modified EUI-64 interface identifier (RFC 4291 2.5.1), as SLAAC would.
    in6_addr a = core::mask_prefix(p.addr, 64);
    a.s6_addr[8] = mac_[0] ^ 0x02;
    a.s6_addr[9] = mac_[1];
    a.s6_addr[10] = mac_[2];
    a.s6_addr[11] = 0xff;
    a.s6_addr[12] = 0xfe;
    a.s6_addr[13] = mac_[3];
    a.s6_addr[14] = mac_[4];
    a.s6_addr[15] = mac_[5];
    return a;
}

void MnService::on_router_advertisement(const in6_addr& router, const nd::RouterAdvertisement& ra) {
    std::optional<core::Prefix> autoconf;
    bool home = false;
    for (const auto& pi : nd::options_of<nd::PrefixInformation>(ra.options)) {
        core::Prefix p{core::mask_prefix(pi.prefix, pi.prefix_length), pi.prefix_length};
        if (pi.prefix_length == home_prefix_.len && home_prefix_.contains(pi.prefix)) home = true;
        else if (pi.autonomous && pi.prefix_length == 64 && pi.valid_lifetime > 0 && !autoconf) autoconf = p;
    }
    watch_router(ra);
    if (home) {
        if (where_ != Where::Home) {
            forget_other_routers(ctx_.netlink, ifindex_, router);
            returned_home();
        }
        return;
    }
    if (!autoconf) return;  // a router with nothing to configure: not a new link for us
    if (where_ == Where::Away && visited_ && core::same_addr(visited_->addr, autoconf->addr)) {
        if (ra.router_lifetime && (!router_ || !core::same_addr(*router_, router))) install_default_route(router);
        return;  // the same link: nothing moved
    }
    forget_other_routers(ctx_.netlink, ifindex_, router);
    moved_to(*autoconf, router);
}

void MnService::set_home_address(bool at_home) {
    // At home the home address is an ordinary address of the home prefix.
    // Away it stays on the interface (applications keep it and the kernel
    // takes what the tunnel delivers) as a /128: the home prefix is not
    // on-link here, and the home agent must be reached through the router.
    netlink::AddrOptions o;
    o.nodad = true;
    if (at_home) {
        ctx_.netlink.del_addr(ifindex_, hoa_, 128);
        ctx_.netlink.add_addr(ifindex_, hoa_, home_prefix_.len, o);
    } else {
        ctx_.netlink.del_addr(ifindex_, hoa_, home_prefix_.len);
        o.noprefixroute = true;
        ctx_.netlink.add_addr(ifindex_, hoa_, 128, o);
    }
}

void MnService::install_default_route(const in6_addr& router) {
    netlink::RouteSpec r;
    r.gateway = router;
    r.ifindex = ifindex_;
    r.prefsrc = hoa_;  // applications send from the home address
    r.mtu = link_mtu_ - XMIP_TUNNEL_OVERHEAD;  // room for the tunnel header
    r.metric = kDefaultRouteMetric;
    ctx_.netlink.replace_route(r);
    router_ = router;
}

void MnService::remove_default_route() {
    if (!router_) return;
    netlink::RouteSpec r;
    r.gateway = *router_;
    r.ifindex = ifindex_;
    r.metric = kDefaultRouteMetric;
    ctx_.netlink.del_route(r);
    router_.reset();
}

void MnService::forget_care_of_address() {
    if (!coa_) return;
    ctx_.maps.delete_local_addr(dp::to_xmip(*coa_));
    ctx_.netlink.del_addr(ifindex_, *coa_, 64);
    coa_.reset();
}

void MnService::moved_to(const core::Prefix& visited, const in6_addr& router) {
    const auto now = ctx_.loop.now();
    moved_at_ = now;
    const bool from_home = where_ != Where::Away;
    forget_care_of_address();
    if (from_home) set_home_address(false);
    in6_addr coa = care_of_for(visited);
    netlink::AddrOptions o;
    o.optimistic = cfg_.optimistic_dad;
    ctx_.netlink.add_addr(ifindex_, coa, 64, o);
    ctx_.maps.add_local_addr(dp::to_xmip(coa), XMIP_LF_TUNNEL_END | XMIP_LF_SIGNALLING);
    coa_ = coa;
    visited_ = visited;
    where_ = Where::Away;
    install_default_route(router);
    XLOG_INFO("moved to %s: care-of address %s", visited.str().c_str(), to_string(coa).c_str());
    // The tunnel moves with us now, before the home agent confirms: its
    // packets to the new address are taken, and ours leave from it (the old
    // address is gone). Until the home agent has accepted a care-of address
    // at all (the first registration away from home, or after a refusal),
    // the home address's packets are held back instead (XMIP_BF_REGISTERING).
    xmip_binding v{};
    v.local = dp::to_xmip(coa);
    v.remote = dp::to_xmip(ha_);
    auto cur = ctx_.maps.lookup_binding(dp::to_xmip(hoa_));
    v.flags = !cur || (cur->flags & XMIP_BF_REGISTERING) ? XMIP_BF_REGISTERING : XMIP_BF_NONE;
    ctx_.maps.upsert_binding(dp::to_xmip(hoa_), v);
    send_bu(bul_.moved_to(coa, now));
}

void MnService::returned_home() {
    const bool was_away = where_ == Where::Away;
    where_ = Where::Home;
    XLOG_INFO("home link: %s", was_away ? "back home, deregistering" : "at home");
    // Traffic flows natively from here: no tunnel, the home address on-link.
    ctx_.maps.delete_binding(dp::to_xmip(hoa_));
    remove_default_route();
    forget_care_of_address();
    visited_.reset();
    set_home_address(true);
    // The kernel makes a nodad address local (its local route) only in its
    // addrconf work, a moment after the request: a BA or NA for the home
    // address arriving before is dropped. Send the deregistration once the
    // kernel reports the address (RTM_NEWADDR), at the latest after 200 ms.
    if (auto bu = bul_.returned_home(ctx_.loop.now())) {
        pending_dereg_ = *bu;
        dereg_timer_ = ctx_.loop.timers().schedule(ctx_.loop.now() + milliseconds(200), [this] {
            dereg_timer_.reset();
            flush_dereg();
        });
    }
    arm_timer();
}

void MnService::send_bu(const mn::BuToSend& b) {
    persist();  // its sequence number on disk before it is on the wire
    mh::BindingUpdate bu;
    bu.sequence = b.seq;
    bu.flags = mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home;
    bu.set_lifetime_seconds(b.lifetime_s);
    mh::PacketSpec spec;
    spec.src = b.coa;
    spec.dst = ha_;
    if (!b.at_home) spec.home_address = hoa_;  // away: from the CoA, HoA in the HAO
    mh::Message msg = bu;
    if (sa_) {
        // Replay Protection then Authentication, last (RFC 4285 5-6).
        uint64_t ts = timestamps_.next(auth::ntp_now());
        if (b.seq != timestamp_seq_ || first_timestamp_seq_ == 0) {
            timestamp_seq_ = b.seq;
            first_timestamp_seq_ = ts;
        }
        if (!auth::sign(msg, b.coa, hoa_, *sa_, ts)) XLOG_ERROR("cannot authenticate the BU");
    }
    if (send_mobility(ctx_, spec, msg)) ctx_.stats.bu_sent++;
    XLOG_DEBUG("BU seq %u lifetime %u from %s", b.seq, b.lifetime_s, to_string(b.coa).c_str());
    arm_timer();
}

void MnService::arm_timer() {
    // Called after every change to the binding update list.
    persist();
    ctx_.observe().binding_update_list(mn::to_string(bul_.state()));
    ctx_.loop.timers().cancel(bul_timer_);
    auto next = bul_.next_timer();
    if (!next) return;
    bul_timer_ = ctx_.loop.timers().schedule(*next, [this] {
        bul_timer_.reset();
        if (auto bu = bul_.on_timer(ctx_.loop.now()))
            send_bu(*bu);
        else
            arm_timer();
    });
}

bool MnService::authentic(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingAck& ba) {
    if (!sa_) return true;
    auto r = auth::check_binding_ack(mh, p.info, ba, *sa_,
                                     auth::SentTimestamps{timestamp_seq_, first_timestamp_seq_,
                                                          timestamps_.last().value_or(0)});
    using K = auth::BaCheck::Kind;
    if (r.kind == K::home_agent_time) {
        // RFC 4285 6: ours was too far off (or not newer than what the home
        // agent accepted last). Take its clock.
        timestamps_.adopt(*r.ha_time, auth::ntp_now());
        XLOG_WARN("home agent's clock differs from ours by %.1f s: using its time",
                  static_cast<double>(timestamps_.offset()) / auth::kNtpOneSecond);
        return true;
    }
    if (r.kind != K::ok) {
        XLOG_WARN("ignoring a BA from %s: %s%s%s", to_string(p.info.src).c_str(), auth::to_string(r.kind),
                  r.kind == K::bad_authentication ? ": " : "",
                  r.kind == K::bad_authentication ? auth::to_string(r.auth) : "");
        return false;
    }
    return true;
}

void MnService::on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int /*ifindex*/) {
    const auto& msg = *p.message;
    if (const auto* ba = std::get_if<mh::BindingAck>(&msg)) {
        on_binding_ack(p, mobility_header(p, packet), *ba);
    } else if (std::holds_alternative<mh::BindingRefreshRequest>(msg)) {
        if (!core::same_addr(p.info.src, ha_)) {
            ctx_.stats.brr_drop_misc++;  // only our home agent may ask
            return;
        }
        ctx_.stats.brr_received++;
        if (auto bu = bul_.on_refresh_request(ctx_.loop.now())) send_bu(*bu);
    } else {
        ctx_.stats.mh_drop_unexpected++;
    }
}

void MnService::on_binding_ack(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingAck& ba) {
    if (!core::same_addr(p.info.src, ha_)) {
        ctx_.stats.ba_drop_misc++;  // only our home agent acknowledges our home registration
        return;
    }
    if (!authentic(p, mh, ba)) {
        ctx_.stats.ba_drop_auth++;
        return;
    }
    if (ba.status == mh::ba_status::id_mismatch && !clock_adjusted_) {
        // Send the update again now, with the home agent's time; a second
        // 144 in a row is a refusal like any other (no ping-pong).
        if (auto bu = bul_.on_id_mismatch(ba.sequence, ctx_.loop.now())) {
            clock_adjusted_ = true;
            ctx_.stats.ba_nack_received++;
            ctx_.stats.ba_status_received[ba.status]++;
            send_bu(*bu);
            return;
        }
    }
    clock_adjusted_ = false;
    std::optional<uint32_t> advice;
    if (auto* bra = mh::find_option<mh::BindingRefreshAdvice>(ba.options)) advice = uint32_t{bra->interval} * 4;
    const auto sent = bul_.last_sent();  // the BU this BA must answer (11.7.3)
    auto r = bul_.on_binding_ack(ba.status, ba.sequence, ba.lifetime_seconds(), advice, ctx_.loop.now());
    if (r.kind != Kind::Ignored) ctx_.stats.ba_status_received[ba.status]++;
    if ((r.kind == Kind::Bound || r.kind == Kind::Deregistered) && sent)
        ctx_.observe().registration_round_trip(ctx_.loop.now() - *sent);
    switch (r.kind) {
        case Kind::Ignored:
            ctx_.stats.ba_drop_misc++;
            return;
        case Kind::Bound: {
            ctx_.stats.ba_received++;
            xmip_binding v{};
            v.local = dp::to_xmip(bul_.care_of());
            v.remote = dp::to_xmip(ha_);
            ctx_.maps.upsert_binding(dp::to_xmip(hoa_), v);
            if (moved_at_) {
                last_handoff_ms_ = duration_cast<std::chrono::microseconds>(ctx_.loop.now() - *moved_at_).count() / 1000.0;
                ctx_.observe().handoff(ctx_.loop.now() - *moved_at_);
                moved_at_.reset();
                XLOG_INFO("registered %s -> %s for %u s (handoff %.1f ms)", to_string(hoa_).c_str(),
                          to_string(bul_.care_of()).c_str(), bul_.granted_lifetime(), *last_handoff_ms_);
            }
            break;
        }
        case Kind::Deregistered: {
            ctx_.stats.ba_received++;
            // Take the home address back from the home agent's proxy (11.5.4).
            icmp_->send(nd::kAllNodes, nd::encode(nd::returning_home_advertisement(hoa_, mac_)), &hoa_);
            XLOG_INFO("deregistered: home");
            break;
        }
        case Kind::Resend:
            ctx_.stats.ba_nack_received++;
            send_bu(*r.send);
            return;
        case Kind::Refused:
            ctx_.stats.ba_nack_received++;
            XLOG_WARN("home agent refused the registration: status %u", r.status);
            // The home agent does not take our care-of address: hold the
            // home address's packets back until it does.
            if (auto cur = ctx_.maps.lookup_binding(dp::to_xmip(hoa_)); cur && !(cur->flags & XMIP_BF_REGISTERING)) {
                cur->flags |= XMIP_BF_REGISTERING;
                ctx_.maps.upsert_binding(dp::to_xmip(hoa_), *cur);
            }
            break;
    }
    arm_timer();
}

void MnService::flush_dereg() {
    ctx_.loop.timers().cancel(dereg_timer_);
    if (!pending_dereg_) return;
    auto bu = *pending_dereg_;
    pending_dereg_.reset();
    send_bu(bu);
}

void MnService::on_link_events() {
    monitor_.drain([this](const netlink::Monitor::Event& e) {
        if (e.kind == netlink::Monitor::Event::Kind::AddrAdded && e.addr.ifindex == ifindex_ &&
            core::same_addr(e.addr.addr, hoa_) && e.addr.prefixlen == home_prefix_.len) {
            flush_dereg();
            return;
        }
        if (e.kind != netlink::Monitor::Event::Kind::LinkChanged || e.link.ifindex != ifindex_) return;
        bool up = e.link.up && e.link.running;
        if (up && !link_up_) {
            XLOG_INFO("%s: link up", cfg_.interface.c_str());
            moved_at_ = ctx_.loop.now();
            // Ask for an advertisement now rather than wait for the next one.
            if (cfg_.rs_on_link_up) send_router_solicitation();
        }
        link_up_ = up;
    });
}

void MnService::watch_router(const nd::RouterAdvertisement& ra) {
    ctx_.loop.timers().cancel(router_silence_timer_);
    auto* ai = nd::find_option<nd::AdvertisementInterval>(ra.options);
    if (!ai || ai->interval_ms == 0) return;
    // One interval and a half without an advertisement: ask. The answer
    // (or one from another router) tells whether we moved.
    auto silence = milliseconds(ai->interval_ms + ai->interval_ms / 2);
    router_silence_timer_ = ctx_.loop.timers().schedule(ctx_.loop.now() + silence, [this, silence] {
        router_silence_timer_.reset();
        XLOG_INFO("no router advertisement for %lld ms: soliciting", static_cast<long long>(silence.count()));
        send_router_solicitation();
    });
}

void MnService::send_router_solicitation() {
    nd::RouterSolicitation rs;
    rs.options.emplace_back(std::in_place_type<nd::SourceLinkLayerAddress>, nd::SourceLinkLayerAddress{mac_});
    icmp_->send(nd::kAllRouters, nd::encode(rs));
}

nlohmann::json MnService::status() const {
    nlohmann::json j{{"role", "mn"},
                     {"home_address", to_string(hoa_)},
                     {"home_agent", to_string(ha_)},
                     {"interface", cfg_.interface},
                     {"location", where_ == Where::Home ? "home" : where_ == Where::Away ? "away" : "unknown"}};
    j["care_of_address"] = coa_ ? to_string(*coa_) : "";
    if (last_handoff_ms_) j["last_handoff_ms"] = *last_handoff_ms_;
    return j;
}

nlohmann::json MnService::bindings() const {
    const auto now = ctx_.loop.now();
    auto ms = [](core::Duration d) { return duration_cast<milliseconds>(d).count(); };
    nlohmann::json e{{"home_agent", to_string(bul_.home_agent())},
                     {"home_address", to_string(bul_.home_address())},
                     {"care_of_address", coa_ ? to_string(bul_.care_of()) : ""},
                     {"state", std::string(mn::to_string(bul_.state()))},
                     {"sequence", bul_.last_seq()},
                     {"lifetime", bul_.granted_lifetime()},
                     {"retransmit_delay_ms", ms(bul_.retransmit_delay())},
                     {"max_delay_ms", ms(bul_.max_delay())},
                     {"transmissions", bul_.transmissions()}};
    e["expires_in"] = bul_.expires() ? std::max<long>(0, duration_cast<seconds>(*bul_.expires() - now).count()) : 0;
    e["next_event_in_ms"] = bul_.next_timer() ? std::max<long>(0, ms(*bul_.next_timer() - now)) : -1;
    return nlohmann::json::array({e});
}

void MnService::reload(const config::Config& c) {
    if (!c.mobile_node) return;
    if (c.mobile_node->home_address != cfg_.home_address || c.mobile_node->home_agent != cfg_.home_agent ||
        c.mobile_node->interface != cfg_.interface)
        XLOG_WARN("reload: home address, home agent and interface change only with a restart");
    cfg_.optimistic_dad = c.mobile_node->optimistic_dad;
    cfg_.rs_on_link_up = c.mobile_node->rs_on_link_up;
    XLOG_INFO("reloaded");
}

void MnService::stop(bool keep_forwarding) {
    if (keep_forwarding) return;
    remove_default_route();
    forget_care_of_address();
    ctx_.maps.delete_binding(dp::to_xmip(hoa_));
}

}  // namespace xmip::agent
