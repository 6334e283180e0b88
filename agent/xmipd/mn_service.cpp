// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/mn_service.hpp"

#include <netinet/icmp6.h>

#include "auth/ba_check.hpp"
#include "auth/ntp_time.hpp"
#include "core/log.hpp"
#include "core/mip6_constants.hpp"
#include "nd/address.hpp"
#include "nd/neighbour.hpp"
#include "xmipd/auth_config.hpp"

namespace xmip::agent {

using core::to_string;
using Kind = mn::BaResult::Kind;
using std::chrono::duration_cast;
using std::chrono::milliseconds;
using std::chrono::seconds;

MnService::MnService(Context& ctx, const config::Config& cfg)
    : ctx_(ctx),
      cfg_(*cfg.mobile_node),
      hoa_(cfg_.home_address.to_in6()),
      ha_(cfg_.home_agent.to_in6()),
      home_prefix_{cfg_.home_prefix},
      link_(ctx.kernel, ctx.tunnels, cfg_),
      bul_(hoa_, ha_, cfg_.lifetime) {
    if (cfg_.authentication) sa_ = to_auth(*cfg_.authentication);
    ro_ = std::make_unique<MnRouteOptimisation>(ctx_, hoa_, cfg_);
    link_.configure_host(cfg_.optimistic_dad);
    // A predecessor's live registration (the state file) is taken over:
    // its care-of address, tunnel and route stay.
    recover();
    link_.remove_stale_addresses();
    ctx_.tunnels.add_local(hoa_, LocalAddress::Signalling);
    if (cfg_.home_agent_auto)
        discovery_ = std::make_unique<MnDiscovery>(ctx_.loop, ctx_.wire, ctx_.stats, link_.ifindex(), home_prefix_,
                                                   [this](const in6_addr& ha) { use_home_agent(ha); });
    icmp_errors_ = ctx_.wire.open_nd(link_.ifindex(), {ICMP6_PARAM_PROB});
    ctx_.loop.add_fd(icmp_errors_->fd(), [this] {
        icmp_errors_->drain([this](const io::IcmpReceived& r) { ro_->on_icmp_error(r.src, r.message); });
    });
    // Before the movement detector: tests reach the RA socket as the last opened.
    prefixes_ = std::make_unique<MnPrefixDiscovery>(
        ctx_.loop, ctx_.wire, ctx_.stats, link_.ifindex(),
        [this](const std::vector<nd::PrefixInformation>& p) { on_home_prefixes(p); });
    MovementDetector::Handlers h;
    h.router_advertisement = [this](const in6_addr& router, const nd::RouterAdvertisement& ra) {
        on_router_advertisement(router, ra);
    };
    h.link_up = [this] { on_link_up(); };
    h.home_address_on_link = [this] { flush_dereg(); };
    movement_ = std::make_unique<MovementDetector>(ctx_.loop, ctx_.wire, ctx_.kernel, link_.ifindex(), link_.mac(),
                                                   hoa_, home_prefix_.len, link_.initially_up(), std::move(h));
    ctx_.observe().binding_update_list(mn::to_string(bul_.state()));
    movement_->solicit();  // where are we? (guide 5.1: RS at start)
    XLOG_INFO("mobile node %s, home agent %s, on %s", to_string(hoa_).c_str(),
              discovery_ && nd::is_unspecified(ha_) ? "to discover" : to_string(ha_).c_str(), cfg_.interface.c_str());
}

MnService::~MnService() {
    ctx_.loop.remove_fd(icmp_errors_->fd());
    ctx_.loop.timers().cancel(bul_timer_);
    ctx_.loop.timers().cancel(dereg_timer_);
    ctx_.loop.timers().cancel(ro_dereg_timer_);
    if (retiring_) ctx_.loop.timers().cancel(retiring_->timer);
    if (old_dereg_) ctx_.loop.timers().cancel(old_dereg_->timer);
}

void MnService::on_router_advertisement(const in6_addr& router, const nd::RouterAdvertisement& ra) {
    auto m = classify(ra, home_prefix_, where_, visited_);
    movement_->watch_router(ra);
    switch (m.kind) {
        case RaMeaning::Kind::Home:
            if (where_ != Where::Home) {
                link_.forget_other_routers(router);
                returned_home();
            }
            return;
        case RaMeaning::Kind::Nothing:
            return;
        case RaMeaning::Kind::SameLink:
            if (ra.router_lifetime && (!link_.router() || !core::same_addr(*link_.router(), router)))
                link_.install_default_route(router);
            return;  // the same link: nothing moved
        case RaMeaning::Kind::Moved:
            link_.forget_other_routers(router);
            moved_to(m.visited, router);
            return;
    }
}

void MnService::on_link_up() {
    XLOG_INFO("%s: link up", cfg_.interface.c_str());
    moved_at_ = ctx_.loop.now();
    // Ask for an advertisement now rather than wait for the next one.
    if (cfg_.rs_on_link_up) movement_->solicit();
}

void MnService::moved_to(const core::Prefix& visited, const in6_addr& router) {
    const auto now = ctx_.loop.now();
    moved_at_ = now;
    const bool from_home = where_ != Where::Away;
    prefixes_->stop();  // planned again once the new care-of address is registered
    link_.forget_care_of_address();
    if (from_home) link_.set_home_address(false);
    // Left again before the correspondents were told we were home: the
    // move below re-binds them instead.
    ro_home_pending_ = false;
    ctx_.loop.timers().cancel(ro_dereg_timer_);
    in6_addr coa = link_.care_of_for(visited);
    link_.use_care_of_address(coa, cfg_.optimistic_dad);
    visited_ = visited;
    where_ = Where::Away;
    link_.install_default_route(router);
    // A home address a renumbering replaced still had the old care-of
    // address: deregistered now rather than followed.
    if (retiring_) retire_old_home_address();
    XLOG_EVENT_INFO(({{"EVENT", "moved"}, {"HOA", to_string(hoa_)}, {"COA", to_string(coa)}}),
                    "moved to %s: care-of address %s", visited.str().c_str(), to_string(coa).c_str());
    if (discovery_ && nd::is_unspecified(ha_)) {
        // No home agent yet: ask for one from here; the registration
        // starts when one answers (use_home_agent).
        discovery_->discover(coa);
        return;
    }
    // The tunnel moves with us now, before the home agent confirms: its
    // packets to the new address are taken, and ours leave from it (the old
    // address is gone). Until the home agent has accepted a care-of address
    // at all (the first registration away from home, or after a refusal),
    // the home address's packets are held back instead (XMIP_BF_REGISTERING).
    auto cur = ctx_.tunnels.find(hoa_);
    ctx_.tunnels.set(hoa_, Tunnel{coa, ha_, !cur || cur->registering});
    send_bu(bul_.moved_to(coa, now));
    ro_->moved_to(coa, ha_);
}

void MnService::on_tunnelled_traffic(const in6_addr& home, const in6_addr& peer) {
    if (core::same_addr(home, hoa_) && where_ == Where::Away) ro_->tunnelled(peer);
}

void MnService::returned_home() {
    const bool was_away = where_ == Where::Away;
    where_ = Where::Home;
    XLOG_INFO("home link: %s", was_away ? "back home, deregistering" : "at home");
    prefixes_->stop();
    if (retiring_) retire_old_home_address();
    // Traffic flows natively from here: no tunnel, the home address on-link.
    ctx_.tunnels.remove(hoa_);
    link_.remove_default_route();
    link_.forget_care_of_address();
    visited_.reset();
    link_.set_home_address(true);
    // The kernel makes a nodad address local (its local route) only in its
    // addrconf work, a moment after the request: a BA or NA for the home
    // address arriving before is dropped. Send the deregistration once the
    // kernel reports the address (RTM_NEWADDR), at the latest after 200 ms.
    if (auto bu = bul_.returned_home(ctx_.loop.now())) pending_dereg_ = *bu;
    // The correspondents too, from the home address (their answers need it
    // local, and the home agent's binding gone: flush_dereg).
    ro_->reached_home();
    ro_home_pending_ = was_away;
    if (pending_dereg_ || ro_home_pending_) {
        ctx_.loop.timers().cancel(dereg_timer_);
        dereg_timer_ = ctx_.loop.timers().schedule(ctx_.loop.now() + milliseconds(200), [this] {
            dereg_timer_.reset();
            flush_dereg();
        });
    }
    arm_timer();
}

void MnService::use_home_agent(const in6_addr& ha) {
    ha_ = ha;
    bul_.set_home_agent(ha);
    ro_->set_home_agent(ha);
    XLOG_EVENT_INFO(({{"EVENT", "home_agent"}, {"HA", to_string(ha)}}), "home agent %s (discovered)",
                    to_string(ha).c_str());
    const auto& coa = link_.care_of_address();
    if (where_ != Where::Away || !coa) return;
    // Held back until this one accepts us, like a first registration.
    ctx_.tunnels.set(hoa_, Tunnel{*coa, ha_, true});
    send_bu(bul_.moved_to(*coa, ctx_.loop.now()));
    ro_->moved_to(*coa, ha_);
}

bool MnService::fail_over() {
    const auto& coa = link_.care_of_address();
    if (!discovery_ || where_ != Where::Away || !coa) return false;
    discovery_->failed(*coa);
    return true;
}

uint64_t MnService::send_bu(const mn::BuToSend& b, const in6_addr* home) {
    const in6_addr& hoa = home ? *home : hoa_;
    persist();  // its sequence number on disk before it is on the wire
    mh::BindingUpdate bu;
    bu.sequence = b.seq;
    bu.flags = mh::BindingUpdate::flag_ack | mh::BindingUpdate::flag_home;
    bu.set_lifetime_seconds(b.lifetime_s);
    mh::PacketSpec spec;
    spec.src = b.coa;
    spec.dst = ha_;
    if (!b.at_home) spec.home_address = hoa;  // away: from the CoA, HoA in the HAO
    mh::Message msg = bu;
    uint64_t ts = 0;
    if (sa_) {
        // Replay Protection then Authentication, last (RFC 4285 5-6).
        ts = timestamps_.next(auth::ntp_now());
        // Which BU of ours a BA may answer: our home address's only.
        if (!home && (b.seq != timestamp_seq_ || first_timestamp_seq_ == 0)) {
            timestamp_seq_ = b.seq;
            first_timestamp_seq_ = ts;
        }
        if (!auth::sign(msg, b.coa, hoa, *sa_, ts)) XLOG_ERROR("cannot authenticate the BU");
    }
    if (send_mobility(ctx_, spec, msg)) ctx_.stats.bu_sent++;
    XLOG_DEBUG("BU seq %u lifetime %u from %s", b.seq, b.lifetime_s, to_string(b.coa).c_str());
    arm_timer();
    return ts;
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
        // A discovered home agent that left kRegistrationAttempts BUs
        // unanswered is given up for the next one of the list (11.4.1).
        // While a new discovery runs, nothing goes out: its answer sends
        // the next BU (use_home_agent) and re-arms this timer.
        if (discovery_ && discovery_->discovering()) return;
        if (bul_.state() == mn::State::Registering && bul_.transmissions() >= kRegistrationAttempts && fail_over()) {
            if (!discovery_->discovering()) arm_timer();
            return;
        }
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
    if (ro_->on_mobility_packet(p, packet)) return;  // a correspondent's (route optimisation)
    if (const auto* ba = std::get_if<mh::BindingAck>(&msg)) {
        on_binding_ack(p, mobility_header(p, packet), *ba);
    } else if (std::holds_alternative<mh::BindingRefreshRequest>(msg)) {
        if (!core::same_addr(p.info.src, ha_)) {
            ctx_.stats.brr_drop_misc++;  // only our home agent may ask
            return;
        }
        ctx_.stats.brr_received++;
        if (auto bu = bul_.on_refresh_request(ctx_.loop.now())) send_bu(*bu);
    } else if (const auto* be = std::get_if<mh::BindingError>(&msg)) {
        on_binding_error(p.info.src, *be);
    } else {
        ctx_.stats.mh_drop_unexpected++;
    }
}

void MnService::on_binding_ack(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingAck& ba) {
    if (!core::same_addr(p.info.src, ha_)) {
        ctx_.stats.ba_drop_misc++;  // only our home agent acknowledges our home registration
        return;
    }
    if (old_deregistration_answered(p, mh, ba)) return;
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
            ctx_.tunnels.set(hoa_, Tunnel{bul_.care_of(), ha_});
            if (where_ == Where::Away) prefixes_->registered(bul_.care_of(), ha_, bul_.granted_lifetime());
            if (moved_at_) {
                last_handoff_ms_ = duration_cast<std::chrono::microseconds>(ctx_.loop.now() - *moved_at_).count() / 1000.0;
                ctx_.observe().handoff(ctx_.loop.now() - *moved_at_);
                moved_at_.reset();
                XLOG_EVENT_INFO(({{"EVENT", "registered"}, {"HOA", to_string(hoa_)}, {"COA", to_string(bul_.care_of())}}),
                                "registered %s -> %s for %u s (handoff %.1f ms)", to_string(hoa_).c_str(),
                                to_string(bul_.care_of()).c_str(), bul_.granted_lifetime(), *last_handoff_ms_);
            }
            break;
        }
        case Kind::Deregistered: {
            ctx_.stats.ba_received++;
            // Take the home address back from the home agent's proxy (11.5.4).
            movement_->socket().send(nd::kAllNodes, nd::encode(nd::returning_home_advertisement(hoa_, link_.mac())),
                                     &hoa_);
            XLOG_EVENT_INFO(({{"EVENT", "deregistered"}, {"HOA", to_string(hoa_)}}), "deregistered: home");
            flush_ro_dereg();  // the correspondents' answers now reach us at home
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
            if (auto cur = ctx_.tunnels.find(hoa_); cur && !cur->registering) {
                cur->registering = true;
                ctx_.tunnels.set(hoa_, *cur);
            }
            // A discovered home agent that refuses: the next one.
            if (r.status != mh::ba_status::sequence_out_of_window && fail_over()) return;
            break;
    }
    arm_timer();
}

void MnService::on_home_prefixes(const std::vector<nd::PrefixInformation>& prefixes) {
    // Ours (the same prefix), and the first other one of our prefix length
    // still preferred: a candidate to renumber to (the interface identifier
    // of the home address is kept, so the length must match).
    const nd::PrefixInformation* ours = nullptr;
    std::optional<core::Prefix> fresh;
    for (const auto& p : prefixes) {
        if (p.prefix_length != home_prefix_.len) continue;
        const core::Prefix net{nd::mask_prefix(p.prefix, p.prefix_length), p.prefix_length};
        if (net == home_prefix_.network())
            ours = &p;
        else if (!fresh && p.preferred_lifetime > 0)
            fresh = net;
    }
    // RFC 6275 10.6 / 11.4.3: the home prefix still preferred, or nothing to
    // go to: keep it, with its lifetime as advertised.
    if (ours && (ours->preferred_lifetime > 0 || !fresh)) {
        prefixes_->set_valid_lifetime(ours->valid_lifetime);
        if (ours->valid_lifetime == 0)
            XLOG_WARN("home agent withdraws home prefix %s and offers no other", home_prefix_.str().c_str());
        return;
    }
    if (!fresh) {
        XLOG_WARN("home agent does not advertise home prefix %s, nor another /%u", home_prefix_.str().c_str(),
                  home_prefix_.len);
        return;
    }
    // Withdrawn (absent, or lifetime 0) or deprecated with a successor.
    renumber(*fresh, ours ? ours->valid_lifetime : 0);
    for (const auto& p : prefixes)
        if (p.prefix_length == fresh->len && core::same_addr(nd::mask_prefix(p.prefix, p.prefix_length), fresh->addr))
            prefixes_->set_valid_lifetime(p.valid_lifetime);
}

void MnService::renumber(const core::Prefix& prefix, uint32_t old_valid_s) {
    if (retiring_) retire_old_home_address();  // one renumbering at a time
    const in6_addr old = hoa_;
    // The new home address: the new prefix and our interface identifier
    // (RFC 6275 10.6: formed as on the home link).
    in6_addr hoa = old;
    for (unsigned bit = 0; bit < prefix.len; bit++) {
        const auto m = static_cast<uint8_t>(0x80u >> (bit % 8));
        auto& b = hoa.s6_addr[bit / 8];
        b = static_cast<uint8_t>((prefix.addr.s6_addr[bit / 8] & m) ? (b | m) : (b & ~m));
    }
    XLOG_EVENT_INFO(({{"EVENT", "renumbered"}, {"HOA", to_string(hoa)}, {"OLD_HOA", to_string(old)}}),
                    "home prefix %s replaced by %s: home address %s (old %s kept %u s)", home_prefix_.str().c_str(),
                    prefix.str().c_str(), to_string(hoa).c_str(), to_string(old).c_str(), old_valid_s);
    const auto now = ctx_.loop.now();
    // The old registration ends when its prefix does, or its binding at the
    // home agent, whichever is first; at once when the prefix is withdrawn.
    retiring_ = Retiring{old, bul_.last_seq(), std::nullopt};
    auto end = now + seconds(old_valid_s);
    if (bul_.state() == mn::State::Bound && bul_.expires()) end = std::min(end, *bul_.expires());
    hoa_ = hoa;
    home_prefix_ = prefix;
    link_.renumber(hoa_, home_prefix_);
    movement_->set_home_address(hoa_, home_prefix_.len);
    ctx_.tunnels.add_local(hoa_, LocalAddress::Signalling);
    bul_ = mn::BindingUpdateList(hoa_, ha_, cfg_.lifetime);
    ro_->stop();
    ro_ = std::make_unique<MnRouteOptimisation>(ctx_, hoa_, cfg_);
    ro_->set_home_agent(ha_);
    if (old_valid_s == 0 || end <= now)
        retire_old_home_address();
    else
        retiring_->timer = ctx_.loop.timers().schedule(end, [this] {
            retiring_->timer.reset();
            retire_old_home_address();
        });
    const auto& coa = link_.care_of_address();
    if (where_ != Where::Away || !coa) {
        arm_timer();
        return;
    }
    // Held back until the home agent accepts the new home address.
    ctx_.tunnels.set(hoa_, Tunnel{*coa, ha_, true});
    send_bu(bul_.moved_to(*coa, now));
    ro_->moved_to(*coa, ha_);
}

void MnService::retire_old_home_address() {
    if (!retiring_) return;
    auto r = *retiring_;
    retiring_.reset();
    ctx_.loop.timers().cancel(r.timer);
    const auto& coa = link_.care_of_address();
    if (where_ == Where::Away && coa) {
        // Its own sequence space (the home agent's binding for that home
        // address): after the last number it saw.
        if (old_dereg_) ctx_.loop.timers().cancel(old_dereg_->timer);
        old_dereg_ = OldDeregistration{};
        old_dereg_->hoa = r.hoa;
        old_dereg_->coa = *coa;
        old_dereg_->seq = r.seq;
        send_old_deregistration();
    }
    ctx_.tunnels.remove(r.hoa);
    ctx_.tunnels.remove_local(r.hoa);
    link_.remove_address(r.hoa);
    XLOG_EVENT_INFO(({{"EVENT", "home_address_retired"}, {"HOA", to_string(r.hoa)}}), "old home address %s retired",
                    to_string(r.hoa).c_str());
}

void MnService::send_old_deregistration() {
    auto& d = *old_dereg_;
    if (d.sent == kOldDeregTries) {
        XLOG_WARN("old home address %s: no answer to %d deregistrations; its binding ends with its lifetime",
                  to_string(d.hoa).c_str(), kOldDeregTries);
        old_dereg_.reset();
        return;
    }
    // A new sequence number each time (RFC 6275 11.8), as for our own.
    mn::BuToSend bu;
    bu.coa = d.coa;
    bu.seq = ++d.seq;
    bu.lifetime_s = 0;
    d.timestamp = send_bu(bu, &d.hoa);
    if (d.sent++) d.timeout = std::min<core::Duration>(d.timeout * 2, core::kMaxBindackTimeout);
    d.timer = ctx_.loop.timers().schedule(ctx_.loop.now() + d.timeout, [this] {
        old_dereg_->timer.reset();
        send_old_deregistration();
    });
}

bool MnService::old_deregistration_answered(const mh::ParsedPacket& p, std::span<const uint8_t> mh,
                                            const mh::BindingAck& ba) {
    if (!old_dereg_ || !p.info.routing_header2 ||
        !core::same_addr(p.info.routing_header2->home_address, old_dereg_->hoa))
        return false;
    auto& d = *old_dereg_;
    if (sa_) {
        auto r = auth::check_binding_ack(mh, p.info, ba, *sa_, auth::SentTimestamps{d.seq, d.timestamp, d.timestamp});
        if (r.kind != auth::BaCheck::Kind::ok) {
            ctx_.stats.ba_drop_auth++;
            return true;
        }
    }
    if (ba.sequence != d.seq) {
        ctx_.stats.ba_drop_misc++;  // an older one's answer: the newest one's is awaited
        return true;
    }
    if (ba.status < 128)
        ctx_.stats.ba_received++;
    else
        ctx_.stats.ba_nack_received++;
    ctx_.stats.ba_status_received[ba.status]++;
    XLOG_EVENT_INFO(({{"EVENT", "old_home_address_deregistered"},
                      {"HOA", to_string(d.hoa)},
                      {"STATUS", std::to_string(ba.status)}}),
                    "old home address %s: deregistration answered, status %u", to_string(d.hoa).c_str(), ba.status);
    ctx_.loop.timers().cancel(d.timer);
    old_dereg_.reset();
    return true;
}

bool MnService::note_binding_error(const in6_addr& from, const mh::BindingError& be) {
    // The same error again (a flood, forged or not) is counted, not logged.
    const bool again = last_binding_error_ && last_binding_error_->status == be.status &&
                       core::same_addr(last_binding_error_->from, from) &&
                       core::same_addr(last_binding_error_->home_address, be.home_address);
    last_binding_error_ = BindingErrorSeen{from, be.status, be.home_address};
    return !again;
}

void MnService::on_binding_error(const in6_addr& from, const mh::BindingError& be) {
    // be_received is the agent's (every role); by status here.
    if (be.status == mh::be_status::unknown_binding_for_hao) {
        ctx_.stats.be_hao_received++;
        // RFC 6275 11.3.6: a peer has no binding for the home address we
        // used in a Home Address option. Only route-optimised traffic does
        // that to a correspondent, and xmip's mobile node has none yet: the
        // record below is where it will stop using that peer.
        if (!note_binding_error(from, be)) return;
        XLOG_WARN("%s has no binding for home address %s (Binding Error 1)", to_string(from).c_str(),
                  to_string(be.home_address).c_str());
        return;
    }
    if (be.status == mh::be_status::unrecognized_mh_type) {
        ctx_.stats.be_mhtype_received++;
        // 11.3.6: the peer does not understand a Mobility Header we sent.
        // From our home agent that means it is no Mobile IPv6 home agent.
        if (!note_binding_error(from, be)) return;
        XLOG_WARN("%s does not recognise a Mobility Header message we sent (Binding Error 2)%s",
                  to_string(from).c_str(), core::same_addr(from, ha_) ? ": our home agent!" : "");
        return;
    }
    XLOG_DEBUG("Binding Error status %u from %s ignored", be.status, to_string(from).c_str());
}

void MnService::flush_dereg() {
    ctx_.loop.timers().cancel(dereg_timer_);
    if (!pending_dereg_) {
        flush_ro_dereg();
        return;
    }
    auto bu = *pending_dereg_;
    pending_dereg_.reset();
    send_bu(bu);
    // The correspondents after the home agent: until it has deleted its
    // binding and we have taken the home address back from its proxy (the
    // NA sent on its BA), a correspondent's BA to the home address would be
    // tunnelled to the care-of address we left, and lost. If the home agent
    // does not answer in time, they are told anyway.
    if (!ro_home_pending_) return;
    ctx_.loop.timers().cancel(ro_dereg_timer_);
    ro_dereg_timer_ = ctx_.loop.timers().schedule(ctx_.loop.now() + kRoDeregWait, [this] {
        ro_dereg_timer_.reset();
        flush_ro_dereg();
    });
}

void MnService::flush_ro_dereg() {
    ctx_.loop.timers().cancel(ro_dereg_timer_);
    if (!ro_home_pending_) return;
    ro_home_pending_ = false;
    ro_->returned_home();
}

void MnService::reload(const config::Config& c) {
    if (!c.mobile_node) return;
    if (c.mobile_node->home_address != cfg_.home_address || c.mobile_node->home_agent != cfg_.home_agent ||
        c.mobile_node->interface != cfg_.interface)
        XLOG_WARN("reload: home address, home agent and interface change only with a restart");
    cfg_.optimistic_dad = c.mobile_node->optimistic_dad;
    cfg_.rs_on_link_up = c.mobile_node->rs_on_link_up;
    cfg_.route_optimization = c.mobile_node->route_optimization;
    cfg_.correspondent_access = c.mobile_node->correspondent_access;
    ro_->set_config(cfg_);
    XLOG_INFO("reloaded");
}

void MnService::stop(bool keep_forwarding) {
    if (keep_forwarding) return;
    ro_->stop();
    link_.remove_default_route();
    link_.forget_care_of_address();
    ctx_.tunnels.remove(hoa_);
}

}  // namespace xmip::agent
