// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_service.hpp"

#include <cstring>

#include "auth/ntp_time.hpp"
#include "core/log.hpp"
#include "xmipd/ha_binding_ack.hpp"

namespace xmip::agent {

using core::to_string;
using Action = ha::Outcome::Action;

in6_addr link_local_of(const in6_addr& hoa) {
    in6_addr ll{};
    ll.s6_addr[0] = 0xfe;
    ll.s6_addr[1] = 0x80;
    std::memcpy(&ll.s6_addr[8], &hoa.s6_addr[8], 8);  // the interface identifier (RFC 4291 2.5.6)
    return ll;
}

bool nd_proxy_in_datapath(const config::Config& c) {
    return c.home_agent && c.home_agent->nd_proxy_in_datapath && c.cluster.member.empty();
}

HaService::HaService(Context& ctx, const config::Config& cfg)
    : ctx_(ctx),
      cfg_(static_cast<const config::HomeAgentSettings&>(*cfg.home_agent)),
      ha_addr_(cfg_.address.to_in6()),
      home_ifindex_(ctx.kernel.ifindex(cfg_.home_link)),
      xdp_nd_proxy_(nd_proxy_in_datapath(cfg)),
      fleet_member_(!cfg.cluster.member.empty()),
      cache_(policy_from(cfg_)),
      admission_(*cfg.home_agent, ctx.loop.now()),
      commit_([this] { return persist(); }),
      dad_(ctx.loop, ctx.wire, home_ifindex_, [this](const DadProbes::Result& r) { dad_done(r); }),
      refresh_(ctx.loop, [this](const in6_addr& hoa) { send_refresh_request(hoa); }) {
    // Proxy Neighbour Discovery answers for registered home addresses.
    // "all" too: a unicast NS addressed to a home address (a router's NUD
    // probe, RFC 6275 10.4.1) is not local, and ip6_forward() hands it to
    // the proxy only when net.ipv6.conf.all.proxy_ndp is set (the
    // interface's setting covers multicast solicitations only). Proxy
    // entries exist on the home link alone, so nothing else is proxied.
    // The datapath hands this address's signalling to us and decapsulates
    // what mobile nodes tunnel to it.
    for (const std::string& scope : {cfg_.home_link, std::string("all")})
        if (!ctx_.kernel.set_ipv6_conf(scope, "proxy_ndp", "1"))
            throw std::runtime_error("cannot set net.ipv6.conf." + scope + ".proxy_ndp = 1");
    ctx_.tunnels.add_local(ha_addr_, LocalAddress::TunnelEnd);
    if (xdp_nd_proxy_) take_all_multicast();
    home_link_ = std::make_unique<HomeLink>(ctx_, cfg_, home_ifindex_, ctx_.kernel.link(home_ifindex_).mac,
                                            [this](const in6_addr& target) { dad_.advertised(target); });
    discovery_ = std::make_unique<HaDiscovery>(ctx_, cfg_, home_link_->socket(), home_link_->home_agents(),
                                               [this](const in6_addr& a) { return is_registered_coa(a); });
    home_link_->on_discovery([this](const io::IcmpReceived& r) { discovery_->on_message(r); });
    discovery_->join_anycast();
    ctx_.observe().binding_cache(0, cfg_.max_bindings);
    ctx_.observe().home_agents(0);
    XLOG_INFO("home agent %s on %s: home prefixes %zu, binding cache limit %u",
              to_string(ha_addr_).c_str(), cfg_.home_link.c_str(), cfg_.prefixes.size(), cfg_.max_bindings);
    XLOG_INFO("authentication: %zu security associations, optional on %zu home prefixes, replay window %u s",
              cfg.home_agent->security_associations.size(), cfg_.auth_optional_prefixes.size(), cfg_.replay_window);
    if (cfg.home_agent->security_associations.empty() && cfg_.auth_optional_prefixes.empty())
        XLOG_WARN("no security associations and authentication required on every home prefix: every Binding "
                  "Update will be refused (146); see [[home_agent.security_associations]] in docs/configuration.md");
    recover();
}

HaService::~HaService() { ctx_.loop.timers().cancel(expiry_timer_); }

ha::Policy HaService::policy_from(const config::HomeAgentSettings& h) const {
    ha::Policy p;
    p.ha_addresses = {h.address.to_in6()};
    for (const auto& a : fleet_addresses_)
        if (!core::same_addr(a, p.ha_addresses[0])) p.ha_addresses.push_back(a);
    for (const auto& pfx : h.prefixes) p.home_prefixes.push_back({pfx, std::nullopt});
    // We advertise the home prefixes ourselves and keep re-advertising them:
    // their remaining valid lifetime never drops below the advertised one.
    p.max_lifetime_s = std::min(h.max_binding_lifetime, h.router_advertisements.prefix_valid_lifetime);
    p.max_entries = h.max_bindings;
    p.allowed = [h](const in6_addr& hoa) { return h.check_home_address(hoa) != config::HomeAddressCheck::Prohibited; };
    p.dad = true;
    if (h.refresh_advice) p.refresh_advice_s = h.refresh_advice;
    return p;
}

void HaService::on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int /*ifindex*/) {
    const auto& msg = *p.message;
    if (const auto* bu = std::get_if<mh::BindingUpdate>(&msg)) {
        ctx_.stats.bu_received++;
        handle_bu(p, mobility_header(p, packet), *bu);
        return;
    }
    if (std::holds_alternative<mh::BindingError>(msg)) return;  // counted and logged by the agent
    // BA, HoTI, ... are not for a home agent.
    ctx_.stats.mh_drop_unexpected++;
    XLOG_DEBUG("ignoring MH type %u from %s", static_cast<unsigned>(mh::type_of(msg)),
               to_string(p.info.src).c_str());
}

void HaService::handle_bu(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingUpdate& bu) {
    const auto received = ctx_.loop.now();
    ha::BindingUpdate req;
    // Away from home the MN sends from its CoA with a Home Address option;
    // from the home link (deregistering) it sends from its home address.
    req.hoa = p.info.home_address ? *p.info.home_address : p.info.src;
    req.coa = p.info.src;
    if (fleet_member_ && !defends_here(p.info.dst) && fleet_ && fleet_->store_reachable()) {
        // In a fleet only the holder of the address answers: a BU to it
        // reaches this member as a flooded frame (the bridge lost the
        // dead holder's MAC) or by a stale neighbour entry. Not answered:
        // the holder takes it, or, between holders, the next one takes
        // the mobile node's retransmission. Answering here would accept it
        // twice, and race the holder's commit. (Cut from etcd, no member
        // can hold it or commit: the refusal below, 130, tells the node.)
        ctx_.stats.bu_drop_fleet++;
        return;
    }
    if (!admission_.admit(p.info.src, cache_.find(req.hoa), received)) {
        ctx_.stats.bu_drop_ratelimit++;
        return;
    }
    // RFC 4285: authenticated before anything is looked up or changed.
    auto d = admission_.authenticate(mh, bu, p.info.src, req.hoa);
    if (!d.accept) {
        ctx_.stats.bu_drop_auth++;
        // Debug only: a flood of forgeries must not become a flood of log
        // lines (the counters and the BA statuses tell).
        XLOG_DEBUG("refused BU from %s for %s: %s (status %u)", to_string(p.info.src).c_str(),
                   to_string(req.hoa).c_str(), d.reason, d.status);
        refuse(req.hoa, p.info.src, p.info.dst, bu.sequence, d, received);
        return;
    }
    if (auto* alt = mh::find_option<mh::AlternateCareOfAddress>(bu.options)) req.coa = alt->address;
    req.ha_addr = p.info.dst;
    req.seq = bu.sequence;
    req.ack = bu.ack();
    req.home = bu.home_registration();
    req.link_local = bu.link_local_compat();
    req.mobile_router = bu.mobile_router();
    // K (key management mobility capability) is not refused with a status:
    // RFC 6275 10.3.1 sets K in the BA only with IPsec SAs made by a key
    // management protocol that follows the care-of address. There is none
    // here (RFC 4285 instead), so the BA always has K clear, which tells
    // the mobile node its key management does not survive movement.
    req.lifetime_s = bu.lifetime_seconds();
    XLOG_DEBUG("BU from %s for %s seq %u lifetime %u", to_string(req.coa).c_str(),
               to_string(req.hoa).c_str(), req.seq, req.lifetime_s);
    if (fleet_ && !fleet_->store_reachable()) {
        // A fleet member cut from etcd cannot commit: refuse at once rather
        // than wait for the store's timeout (forwarding goes on from the maps).
        ha::Outcome o;
        o.action = Action::Reject;
        o.status = mh::ba_status::insufficient_resources;
        o.seq = req.seq;
        o.send_ba = true;
        o.ha_addr = req.ha_addr;
        answering_timestamp_ = d.bu_timestamp;
        apply(o, req.hoa, req.coa, received);
        answering_timestamp_.reset();
        return;
    }
    std::optional<ha::Binding> before;
    if (const ha::Binding* b = cache_.find(req.hoa); b && !b->pending_dad) before = *b;
    auto outcome = cache_.process(req, received);
    // Later updates must carry newer timestamps once this one took effect
    // (a refused one changes nothing, its timestamp included).
    if (d.bu_timestamp && outcome.action != Action::Reject && outcome.action != Action::Ignore)
        admission_.accepted(req.hoa, *d.bu_timestamp);
    answering_timestamp_ = d.bu_timestamp;
    apply(outcome, req.hoa, req.coa, received, before);
    answering_timestamp_.reset();
}

void HaService::refuse(const in6_addr& hoa, const in6_addr& coa, const in6_addr& to, uint16_t seq,
                       const auth::GuardDecision& d, core::TimePoint received) {
    ha::Outcome o;
    o.ha_addr = to;
    o.action = Action::Reject;
    o.status = d.status;
    o.seq = seq;
    o.lifetime_s = 0;
    o.send_ba = true;
    answering_timestamp_ = d.reply_timestamp;
    GroupCommit::Unit u;
    u.needs_store = false;  // nothing changed: only the answer, in its turn
    u.answer = [this, hoa, coa, o, received, ts = ba_timestamp(hoa)](bool) { send_ba(hoa, coa, o, received, ts); };
    answering_timestamp_.reset();
    commit_.submit(std::move(u));
}

void HaService::apply(const ha::Outcome& o, const in6_addr& hoa, const in6_addr& coa,
                      std::optional<core::TimePoint> received, std::optional<ha::Binding> before, bool* ok) {
    GroupCommit::Unit u;
    std::optional<ha::Binding> after;
    switch (o.action) {
        case Action::Ignore:
            return;
        case Action::AwaitDad:
            dad_.start(hoa, coa, received);
            return;
        case Action::Reject:
            XLOG_EVENT_INFO(({{"EVENT", "refused"}, {"HOA", to_string(hoa)}, {"COA", to_string(coa)},
                              {"STATUS", std::to_string(o.status)}}),
                            "refused registration of %s at %s: status %u", to_string(hoa).c_str(),
                            to_string(coa).c_str(), o.status);
            u.needs_store = false;
            break;
        case Action::Register:
        case Action::Update:
            after = *cache_.find(hoa);
            u = activate(*after, before);
            if (o.action == Action::Update && before && core::same_addr(before->coa, coa)) {
                // A refresh that moves nothing: the commonest event at scale
                // (10^5 bindings: hundreds a second), for debugging only.
                XLOG_DEBUG("refreshed %s -> %s for %u s (seq %u)", to_string(hoa).c_str(), to_string(coa).c_str(),
                           o.lifetime_s, o.seq);
                break;
            }
            XLOG_EVENT_INFO(({{"EVENT", o.action == Action::Register ? "registered" : "refreshed"},
                              {"HOA", to_string(hoa)}, {"COA", to_string(coa)}}),
                            "%s %s -> %s for %u s (seq %u)", o.action == Action::Register ? "registered" : "refreshed",
                            to_string(hoa).c_str(), to_string(coa).c_str(), o.lifetime_s, o.seq);
            break;
        case Action::Deregister:
            u = deactivate(hoa, before);
            XLOG_EVENT_INFO(({{"EVENT", "deregistered"}, {"HOA", to_string(hoa)}}), "deregistered %s",
                            to_string(hoa).c_str());
            break;
    }
    if (u.needs_store) u.revert = [this, hoa, after, before] { revert(hoa, after, before); };
    u.answer = [this, hoa, coa, o, received, ok, ts = o.send_ba ? ba_timestamp(hoa) : 0](bool in_force) {
        if (ok) *ok = in_force;
        if (!in_force)
            core::logf_fields(core::LogLevel::Error,
                              {{"EVENT", "refused"},
                               {"HOA", to_string(hoa)},
                               {"COA", to_string(coa)},
                               {"STATUS", std::to_string(mh::ba_status::insufficient_resources)}},
                              "%s of %s at %s could not be put in force (above): undone, refused with status %u",
                              o.action == Action::Deregister ? "deregistration" : "registration",
                              to_string(hoa).c_str(), to_string(coa).c_str(), mh::ba_status::insufficient_resources);
        if (!o.send_ba) return;
        if (in_force || o.action == Action::Reject) {
            send_ba(hoa, coa, o, received, ts);
            return;
        }
        ha::Outcome refused = o;
        refused.action = Action::Reject;
        refused.status = mh::ba_status::insufficient_resources;
        refused.lifetime_s = 0;
        refused.refresh_advice_s.reset();
        send_ba(hoa, coa, refused, received, ts);
    };
    commit_.submit(std::move(u));
    schedule_expiry();
}

uint64_t HaService::ba_timestamp(const in6_addr& hoa) const {
    // To a mobile node with a security association: the timestamp of the
    // BU answered (or the home agent's time for 144), as RFC 4285 5-6 ask.
    // After a DAD wait the BU's timestamp is the one the guard recorded.
    if (!admission_.guard().association(hoa)) return 0;
    auto t = answering_timestamp_ ? answering_timestamp_ : admission_.guard().last_timestamp(hoa);
    return t.value_or(auth::ntp_now());
}

void HaService::send_ba(const in6_addr& hoa, const in6_addr& coa, const ha::Outcome& o,
                        std::optional<core::TimePoint> received, uint64_t timestamp) {
    // From the address the BU was sent to when it is one we answer for (a
    // fleet member holding another's address answers from it: the mobile
    // node matches the BA to its home agent); else from our own.
    const in6_addr& from = !core::is_unspecified(o.ha_addr) && defends_here(o.ha_addr) ? o.ha_addr : ha_addr_;
    auto ba = build_binding_ack(from, hoa, coa, o, admission_.guard().association(hoa), timestamp);
    if (!ba) return;
    if (!send_mobility(ctx_, ba->spec, ba->msg)) return;
    if (o.status < 128)
        ctx_.stats.ba_sent++;
    else
        ctx_.stats.ba_nack_sent++;
    ctx_.stats.ba_status_sent[o.status]++;
    if (received) ctx_.observe().bu_processed(ctx_.loop.now() - *received);
}

void HaService::unsaved(const in6_addr& hoa) {
    unsaved_.insert(hoa);
    commit_.changed();
}

GroupCommit::Unit HaService::activate(const ha::Binding& b, const std::optional<ha::Binding>& before) {
    unsaved(b.hoa);  // the cache already holds b: in the store before the map and the BA
    const in6_addr hoa = b.hoa, ll = link_local_of(b.hoa);
    const Tunnel t{b.ha_addr, b.coa};
    const bool had_ll = before && before->link_local;
    GroupCommit::Unit u;
    // A refresh that moves nothing (the binding was active, same care-of
    // and home agent address, same L flag) has its map entry, its proxy
    // entries and its advertisement in force since the registration it
    // refreshes (RFC 6275 10.4.1 advertises "to begin intercepting"): only
    // the store (sequence number, lifetime) and the refresh timer change.
    // Writing them again was most of a refresh's system calls
    // (docs/performance.md, "Refresh cost by binding count").
    if (before && !before->pending_dad && core::same_addr(before->coa, b.coa) &&
        core::same_addr(before->ha_addr, b.ha_addr) && before->link_local == b.link_local) {
        refresh_.schedule(b);
        return u;
    }
    u.steps.push_back({[this, hoa, t] { ctx_.tunnels.set(hoa, t); },
                       [this, hoa, before] {
                           if (before)
                               ctx_.tunnels.set(hoa, Tunnel{before->ha_addr, before->coa});
                           else
                               ctx_.tunnels.remove(hoa);
                       }});
    refresh_.schedule(b);
    // The home link is the holder's of the address the binding names (a
    // fleet member that gave it up meanwhile forwards, and defends nothing).
    // Asked again when the steps run, after the store's commit: a fleet
    // member may have given the address up while it waited (HaFleet
    // withdrew the proxy entries then; adding them now would make two
    // members answer for the home address).
    if (!defends_here(b.ha_addr)) return u;
    const in6_addr ha = b.ha_addr;
    auto added = std::make_shared<bool>(false);
    // Defend the home address on the home link (RFC 6275 10.4.1): the XDP
    // program answers solicitations from the map entry just written, or
    // (home_agent.nd_proxy = "kernel", and always in a fleet) the kernel
    // from a proxy entry. With L set, a kernel proxy entry for the
    // link-local address with its interface identifier (10.3.1); without,
    // none (a refresh may clear L).
    u.steps.push_back({[this, ha, added] { *added = defends_here(ha); }, nullptr});
    if (!xdp_nd_proxy_)
        u.steps.push_back({[this, hoa, added] {
                               if (*added) ctx_.kernel.add_proxy_neigh(home_ifindex_, hoa);
                           },
                           [this, hoa, before, added] {
                               if (*added && !before) ctx_.kernel.del_proxy_neigh(home_ifindex_, hoa);
                           }});
    if (b.link_local)
        u.steps.push_back({[this, ll, added] {
                               if (*added) ctx_.kernel.add_proxy_neigh(home_ifindex_, ll);
                           },
                           [this, ll, had_ll, added] {
                               if (*added && !had_ll) ctx_.kernel.del_proxy_neigh(home_ifindex_, ll);
                           }});
    else if (had_ll)  // none to delete otherwise: a request per registration, 18 % of a cold start at 10^6
        u.steps.push_back({[this, ll, added] {
                               if (*added) ctx_.kernel.del_proxy_neigh(home_ifindex_, ll);
                           },
                           [this, ll, added] {
                               if (*added) ctx_.kernel.add_proxy_neigh(home_ifindex_, ll);
                           }});
    // Last, once everything else is in force: the unsolicited
    // advertisements make neighbours that cached the mobile node's own
    // address switch now (nothing to undo: an advertisement is not taken back).
    u.steps.push_back({[this, hoa, ll, link_local = b.link_local, added] {
                           if (!*added) return;
                           home_link_->claim(hoa);
                           if (link_local) home_link_->claim(ll);
                       },
                       nullptr});
    return u;
}

GroupCommit::Unit HaService::deactivate(const in6_addr& hoa, const std::optional<ha::Binding>& before) {
    unsaved(hoa);  // the cache no longer holds hoa: in the store before the map forgets it
    refresh_.cancel(hoa);
    const in6_addr ll = link_local_of(hoa);
    const bool had_ll = before && before->link_local;
    GroupCommit::Unit u;
    u.steps.push_back({[this, hoa] { ctx_.tunnels.remove(hoa); },
                       [this, hoa, before] {
                           if (before) ctx_.tunnels.set(hoa, Tunnel{before->ha_addr, before->coa});
                       }});
    if (!xdp_nd_proxy_)  // else the map entry removed above was what answered
        u.steps.push_back({[this, hoa] { ctx_.kernel.del_proxy_neigh(home_ifindex_, hoa); },
                           [this, hoa, before] {
                               if (before) ctx_.kernel.add_proxy_neigh(home_ifindex_, hoa);
                           }});
    u.steps.push_back({[this, ll] { ctx_.kernel.del_proxy_neigh(home_ifindex_, ll); },
                       [this, ll, had_ll] {
                           if (had_ll) ctx_.kernel.add_proxy_neigh(home_ifindex_, ll);
                       }});
    return u;
}

void HaService::revert(const in6_addr& hoa, const std::optional<ha::Binding>& after,
                       const std::optional<ha::Binding>& before) {
    const ha::Binding* cur = cache_.find(hoa);
    auto same = [](const ha::Binding& a, const ha::Binding& b) {
        return a.seq == b.seq && core::same_addr(a.coa, b.coa) && a.expires == b.expires && !a.pending_dad &&
               !b.pending_dad;
    };
    if (after ? !cur || !same(*cur, *after) : cur != nullptr) return;
    if (before) {
        cache_.restore(*before);
        refresh_.schedule(*before);
    } else {
        cache_.remove(hoa);
        refresh_.cancel(hoa);
    }
    unsaved(hoa);
    schedule_expiry();
}

void HaService::send_refresh_request(const in6_addr& hoa) {
    const ha::Binding* b = cache_.find(hoa);
    if (!b || b->pending_dad) return;
    if (!defends_here(b->ha_addr)) return;  // from its address, so its holder's to send
    auto brr = build_refresh_request(*b);
    if (send_mobility(ctx_, brr.spec, brr.msg)) ctx_.stats.brr_sent++;
    XLOG_DEBUG("refresh request to %s for %s", to_string(b->coa).c_str(), to_string(hoa).c_str());
}

void HaService::dad_done(const DadProbes::Result& r) {
    auto o = cache_.dad_completed(r.hoa, r.unique, ctx_.loop.now());
    // The newest BU may name another CoA than the first: the cache knows.
    in6_addr coa = r.coa;
    if (const ha::Binding* b = cache_.find(r.hoa)) coa = b->coa;
    apply(o, r.hoa, coa, r.received);
}

void HaService::schedule_expiry() {
    // Called after every change to the cache: the moment to report its size.
    ctx_.observe().binding_cache(cache_.size(), cfg_.max_bindings);
    ctx_.loop.timers().cancel(expiry_timer_);
    auto next = cache_.next_expiry();
    if (!next) return;
    expiry_timer_ = ctx_.loop.timers().schedule(*next, [this] {
        expiry_timer_.reset();
        for (const auto& b : cache_.expire(ctx_.loop.now())) {
            // Nobody to refuse, nothing to restore: each step on its own,
            // whatever the store says (a restart drops an expired binding).
            auto u = deactivate(b.hoa, b);
            // Another fleet member's binding (an address not held here):
            // its holder erases it, or the store's lease does; two members
            // erasing it could race a refresh at the holder.
            if (!defends_here(b.ha_addr)) unsaved_.erase(b.hoa);
            u.needs_store = false;
            u.best_effort = true;
            commit_.submit(std::move(u));
            XLOG_EVENT_INFO(({{"EVENT", "expired"}, {"HOA", to_string(b.hoa)}}), "binding for %s expired",
                            to_string(b.hoa).c_str());
        }
        schedule_expiry();
    });
}

void HaService::reload(const config::Config& c) {
    if (!c.home_agent) return;
    if (c.home_agent->address != cfg_.address || c.home_agent->home_link != cfg_.home_link)
        XLOG_WARN("reload: home agent address and home link change only with a restart");
    auto keep_addr = cfg_.address;
    auto keep_link = cfg_.home_link;
    cfg_ = static_cast<const config::HomeAgentSettings&>(*c.home_agent);
    cfg_.address = keep_addr;
    cfg_.home_link = keep_link;
    cache_.set_policy(policy_from(cfg_));
    admission_.reload(*c.home_agent);
    ctx_.observe().binding_cache(cache_.size(), cfg_.max_bindings);
    home_link_->reload(cfg_);
    std::vector<in6_addr> coas;
    for (const auto& b : cache_.bindings())
        if (!b.pending_dad && !core::same_addr(b.coa, b.hoa)) coas.push_back(b.coa);
    discovery_->reload(cfg_, coas);
    XLOG_INFO("reloaded: %zu bindings kept", cache_.size());
}

bool HaService::is_registered_coa(const in6_addr& a) const {
    // A scan of the cache: asked only for solicitations that passed the
    // rate limit (HaDiscovery), so at most kTotal times a second.
    for (const auto& b : cache_.bindings())
        if (!b.pending_dad && core::same_addr(b.coa, a)) return true;
    return false;
}

void HaService::join_fleet(FleetElection& election, FleetSettings s, std::unique_ptr<FleetRoundRunner> rounds,
                           const FleetLiveness* liveness) {
    // BUs to any of the fleet's addresses are ours to answer while we hold it.
    fleet_addresses_ = s.addresses;
    cache_.set_policy(policy_from(cfg_));
    HaFleet::Hooks hooks;
    hooks.defended = [this](const in6_addr& ha) {
        std::vector<HaFleet::Defended> out;
        for (const auto& b : cache_.bindings())
            if (!b.pending_dad && core::same_addr(b.ha_addr, ha)) out.push_back({b.hoa, b.link_local});
        return out;
    };
    hooks.claim = [this](const in6_addr& a) { home_link_->claim(a); };
    hooks.holdings_changed = [this] { home_link_->holdings_changed(); };
    home_link_->serve_held([this] { return fleet_ ? fleet_->held() : std::vector<in6_addr>{}; });
    discovery_->join_fleet([this] { return fleet_ ? fleet_->held() : std::vector<in6_addr>{}; }, s.addresses);
    fleet_ = std::make_unique<HaFleet>(ctx_, election, std::move(s), home_ifindex_, std::move(hooks), std::move(rounds),
                                       liveness);
}

void HaService::take_all_multicast() {
    // The datapath answers solicitations for home addresses without joining
    // their solicited-node groups (that is the point: bpf/nd_proxy.bpf.h), so
    // a NIC that filters multicast by group would never show them to XDP.
    if (ctx_.kernel.link(home_ifindex_).allmulti) return;  // already (an operator's, or a predecessor's)
    try {
        ctx_.kernel.set_allmulticast(home_ifindex_, true);
        allmulti_set_ = true;
        XLOG_INFO("%s: allmulticast on (solicitations for home addresses reach XDP whatever the NIC's filter)",
                  cfg_.home_link.c_str());
    } catch (const std::exception& e) {
        XLOG_WARN(
            "%s: %s: a NIC that filters multicast hides solicitations for home addresses from XDP; set "
            "`ip link set dev %s allmulticast on` or home_agent.nd_proxy = \"kernel\"",
            cfg_.home_link.c_str(), e.what(), cfg_.home_link.c_str());
    }
}

void HaService::stop(bool keep_forwarding) {
    // Hand the addresses over now rather than at the lease's expiry.
    if (fleet_) fleet_->resign_all();
    if (keep_forwarding) return;  // the successor takes over the proxy entries too
    if (allmulti_set_) {
        try {
            ctx_.kernel.set_allmulticast(home_ifindex_, false);
        } catch (const std::exception& e) {
            XLOG_WARN("%s: %s", cfg_.home_link.c_str(), e.what());
        }
    }
    for (const auto& b : cache_.bindings()) {
        ctx_.kernel.del_proxy_neigh(home_ifindex_, b.hoa);
        if (b.link_local) ctx_.kernel.del_proxy_neigh(home_ifindex_, link_local_of(b.hoa));
    }
}

}  // namespace xmip::agent
