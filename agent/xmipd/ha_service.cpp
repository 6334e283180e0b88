// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_service.hpp"

#include <net/if.h>
#include <netinet/icmp6.h>

#include <random>

#include "auth/authenticator.hpp"
#include "auth/ntp_time.hpp"
#include "core/checksum.hpp"
#include "core/host.hpp"
#include "core/log.hpp"
#include "datapath/in6.hpp"
#include "nd/checksum.hpp"
#include "nd/neighbour.hpp"
#include "nd/router.hpp"
#include "nd/validate.hpp"
#include "xmipd/auth_config.hpp"

namespace xmip::agent {

using core::to_string;
using Action = ha::Outcome::Action;
using std::chrono::milliseconds;
using std::chrono::seconds;

namespace {

constexpr auto kDadWait = milliseconds(1000);       // RetransTimer, DupAddrDetectTransmits 1
constexpr auto kMinDelayBetweenRas = milliseconds(30);  // RFC 6275 7.5 on a home link

// Binding Update rate limits (docs/security.md, home_agent.rate_limit). Per
// source: MAX_UPDATE_RATE (RFC 6275 12) by default. Sources that are not
// their binding's care-of address are also limited together, so a flood from
// many addresses costs at most that much authentication work and that many
// refusals sent.
constexpr size_t kUnboundSources = 4096;
ha::RateLimit per_source(const config::HomeAgent& h) {
    return {double(h.rate_per_source), double(h.rate_per_source)};
}
ha::RateLimit unbound_total(const config::HomeAgent& h) {
    return {double(h.rate_unregistered_total), double(h.rate_unregistered_total)};
}


}  // namespace

HaService::HaService(Context& ctx, const config::Config& cfg)
    : ctx_(ctx),
      cfg_(*cfg.home_agent),
      cache_(policy_from(*cfg.home_agent)),
      guard_(guard_policy(*cfg.home_agent)),
      bound_sources_(per_source(*cfg.home_agent), cfg.home_agent->max_bindings),
      other_sources_(per_source(*cfg.home_agent), kUnboundSources),
      other_total_(unbound_total(*cfg.home_agent), ctx.loop.now()) {
    ha_addr_ = cfg_.address.to_in6();
    home_ifindex_ = core::ifindex_of(cfg_.home_link);
    home_mac_ = ctx_.netlink.link(home_ifindex_).mac;
    // RS to answer, NA to hear DAD defenders, RA to hear other home agents.
    home_icmp_ = std::make_unique<io::IcmpSocket>(
        home_ifindex_, std::initializer_list<uint8_t>{ND_ROUTER_SOLICIT, ND_ROUTER_ADVERT, ND_NEIGHBOR_ADVERT},
        std::initializer_list<const char*>{"ff02::2"});
    ctx_.loop.add_fd(home_icmp_->fd(), [this] { on_home_link_icmp(); });
    if (cfg_.router_advertisements.enabled) schedule_router_advertisement(true);
    ctx_.observe().binding_cache(0, cfg_.max_bindings);
    ctx_.observe().home_agents(0);
    XLOG_INFO("home agent %s on %s: home prefixes %zu, binding cache limit %u",
              to_string(ha_addr_).c_str(), cfg_.home_link.c_str(), cfg_.prefixes.size(), cfg_.max_bindings);
    XLOG_INFO("authentication: %zu security associations, optional on %zu home prefixes, replay window %u s",
              cfg_.security_associations.size(), cfg_.auth_optional_prefixes.size(), cfg_.replay_window);
    if (cfg_.security_associations.empty() && cfg_.auth_optional_prefixes.empty())
        XLOG_WARN("no security associations and authentication required on every home prefix: every Binding "
                  "Update will be refused (146); see [[home_agent.security_associations]] in docs/configuration.md");
    recover(cfg);
}

HaService::~HaService() {
    ctx_.loop.remove_fd(home_icmp_->fd());
    ctx_.loop.timers().cancel(expiry_timer_);
    ctx_.loop.timers().cancel(ra_timer_);
    for (auto& [hoa, d] : dad_) ctx_.loop.timers().cancel(d.timer);
    for (auto& [hoa, t] : brr_timers_) ctx_.loop.timers().cancel(t);
}

ha::Policy HaService::policy_from(const config::HomeAgent& h) const {
    ha::Policy p;
    p.ha_addresses = {h.address.to_in6()};
    for (const auto& pfx : h.prefixes) p.home_prefixes.push_back({core::Prefix{pfx.network().address.to_in6(), pfx.length}, std::nullopt});
    // We advertise the home prefixes ourselves and keep re-advertising them:
    // their remaining valid lifetime never drops below the advertised one.
    p.max_lifetime_s = std::min(h.max_binding_lifetime, h.router_advertisements.prefix_valid_lifetime);
    p.max_entries = h.max_bindings;
    p.allowed = [h](const in6_addr& hoa) {
        return h.check_home_address(config::Ip6Address::from_in6(hoa)) != config::HomeAddressCheck::Prohibited;
    };
    p.dad = true;
    return p;
}

void HaService::on_mobility_packet(const mh::ParsedPacket& p, std::span<const uint8_t> packet, int /*ifindex*/) {
    const auto& msg = *p.message;
    if (const auto* bu = std::get_if<mh::BindingUpdate>(&msg)) {
        ctx_.stats.bu_received++;
        handle_bu(p, mobility_header(p, packet), *bu);
        return;
    }
    // BA, HoTI, ... are not for a home agent.
    ctx_.stats.mh_drop_unexpected++;
    XLOG_DEBUG("ignoring MH type %u from %s", static_cast<unsigned>(mh::type_of(msg)),
               to_string(p.info.src).c_str());
}

bool HaService::admit(const in6_addr& src, const in6_addr& hoa, core::TimePoint now) {
    const ha::Binding* b = cache_.find(hoa);
    if (b && !b->pending_dad && core::same_addr(b->coa, src)) return bound_sources_.allow(src, now);
    return other_sources_.allow(src, now) && other_total_.take(unbound_total(cfg_), now);
}

void HaService::handle_bu(const mh::ParsedPacket& p, std::span<const uint8_t> mh, const mh::BindingUpdate& bu) {
    const auto received = ctx_.loop.now();
    ha::BindingUpdate req;
    // Away from home the MN sends from its CoA with a Home Address option;
    // from the home link (deregistering) it sends from its home address.
    req.hoa = p.info.home_address ? *p.info.home_address : p.info.src;
    req.coa = p.info.src;
    if (!admit(p.info.src, req.hoa, received)) {
        ctx_.stats.bu_drop_ratelimit++;
        return;
    }
    // RFC 4285: authenticated before anything is looked up or changed. The
    // authenticator covers the IPv6 source (not an Alternate Care-of Address).
    auto d = guard_.check(mh, bu, p.info.src, req.hoa, auth::ntp_now());
    if (!d.accept) {
        ctx_.stats.bu_drop_auth++;
        // Debug only: a flood of forgeries must not become a flood of log
        // lines (the counters and the BA statuses tell).
        XLOG_DEBUG("refused BU from %s for %s: %s (status %u)", to_string(p.info.src).c_str(),
                   to_string(req.hoa).c_str(), d.reason, d.status);
        refuse(req.hoa, p.info.src, bu.sequence, d, received);
        return;
    }
    if (auto* alt = mh::find_option<mh::AlternateCareOfAddress>(bu.options)) req.coa = alt->address;
    req.ha_addr = p.info.dst;
    req.seq = bu.sequence;
    req.ack = bu.ack();
    req.home = bu.home_registration();
    req.lifetime_s = bu.lifetime_seconds();
    XLOG_DEBUG("BU from %s for %s seq %u lifetime %u", to_string(req.coa).c_str(),
               to_string(req.hoa).c_str(), req.seq, req.lifetime_s);
    auto outcome = cache_.process(req, received);
    // Later updates must carry newer timestamps once this one took effect
    // (a refused one changes nothing, its timestamp included).
    if (d.bu_timestamp && outcome.action != Action::Reject && outcome.action != Action::Ignore)
        guard_.accepted(req.hoa, *d.bu_timestamp);
    answering_timestamp_ = d.bu_timestamp;
    apply(outcome, req.hoa, req.coa, received);
    answering_timestamp_.reset();
}

void HaService::refuse(const in6_addr& hoa, const in6_addr& coa, uint16_t seq, const auth::GuardDecision& d,
                       core::TimePoint received) {
    ha::Outcome o;
    o.action = Action::Reject;
    o.status = d.status;
    o.seq = seq;
    o.lifetime_s = 0;
    o.send_ba = true;
    answering_timestamp_ = d.reply_timestamp;
    send_ba(hoa, coa, o, received);
    answering_timestamp_.reset();
}

void HaService::apply(const ha::Outcome& o, const in6_addr& hoa, const in6_addr& coa,
                      std::optional<core::TimePoint> received) {
    switch (o.action) {
        case Action::Ignore:
            return;
        case Action::AwaitDad:
            start_dad(hoa, coa, received);
            return;
        case Action::Reject:
            XLOG_INFO("refused registration of %s at %s: status %u", to_string(hoa).c_str(),
                      to_string(coa).c_str(), o.status);
            break;
        case Action::Register:
        case Action::Update:
            activate(*cache_.find(hoa));
            XLOG_INFO("%s %s -> %s for %u s (seq %u)", o.action == Action::Register ? "registered" : "refreshed",
                      to_string(hoa).c_str(), to_string(coa).c_str(), o.lifetime_s, o.seq);
            break;
        case Action::Deregister:
            deactivate(hoa);
            XLOG_INFO("deregistered %s", to_string(hoa).c_str());
            break;
    }
    if (o.send_ba) send_ba(hoa, coa, o, received);
    schedule_expiry();
}

void HaService::send_ba(const in6_addr& hoa, const in6_addr& coa, const ha::Outcome& o,
                        std::optional<core::TimePoint> received) {
    mh::BindingAck ba;
    ba.status = o.status;
    ba.sequence = o.seq;
    ba.set_lifetime_seconds(o.lifetime_s);
    if (o.refresh_advice_s)
        ba.options.emplace_back(std::in_place_type<mh::BindingRefreshAdvice>,
                                mh::BindingRefreshAdvice{static_cast<uint16_t>(*o.refresh_advice_s / 4)});
    mh::PacketSpec spec;
    spec.src = ha_addr_;
    spec.dst = coa;
    // To a mobile node away from home: through its care-of address, with its
    // home address in a type 2 routing header (RFC 6275 6.1.8, 9.5.4).
    if (!core::same_addr(coa, hoa)) spec.routing_header2 = hoa;
    mh::Message msg = ba;
    // To a mobile node with a security association: authenticated, with the
    // timestamp of the BU answered (or the home agent's time for 144), as
    // RFC 4285 5-6 ask. After a DAD wait the BU's timestamp is the one the
    // guard recorded for it.
    if (const auto* sa = guard_.association(hoa)) {
        auto ts = answering_timestamp_ ? answering_timestamp_ : guard_.last_timestamp(hoa);
        if (!auth::sign(msg, coa, hoa, *sa, ts.value_or(auth::ntp_now()))) {
            XLOG_ERROR("cannot authenticate the BA to %s", to_string(coa).c_str());
            return;
        }
    }
    after_commit([this, spec, msg = std::move(msg), status = o.status, received] {
        if (!send_mobility(ctx_, spec, msg)) return;
        if (status < 128)
            ctx_.stats.ba_sent++;
        else
            ctx_.stats.ba_nack_sent++;
        ctx_.stats.ba_status_sent[status]++;
        if (received) ctx_.observe().bu_processed(ctx_.loop.now() - *received);
    });
}

void HaService::activate(const ha::Binding& b) {
    changed();  // the cache already holds b: on disk before the map and the BA
    xmip_binding v{};
    v.remote = dp::to_xmip(b.coa);
    v.local = dp::to_xmip(b.ha_addr);
    after_commit([this, hoa = b.hoa, v] {
        ctx_.maps.upsert_binding(dp::to_xmip(hoa), v);
        // Defend the home address on the home link (RFC 6275 10.4.1): the
        // kernel answers solicitations from the proxy entry; the unsolicited
        // advertisement makes neighbours that cached the mobile node's own
        // address switch now.
        ctx_.netlink.add_proxy_neigh(home_ifindex_, hoa);
        home_icmp_->send(nd::kAllNodes, nd::encode(nd::proxy_advertisement(hoa, home_mac_, false)));
    });
    schedule_refresh_request(b);
}

void HaService::schedule_refresh_request(const ha::Binding& b) {
    if (auto it = brr_timers_.find(b.hoa); it != brr_timers_.end()) {
        ctx_.loop.timers().cancel(it->second);
        brr_timers_.erase(it);
    }
    // Ask for a refresh when a tenth of the lifetime is left (at least 2 s
    // before the end): a mobile node that lost track of its refresh timer
    // keeps its binding instead of seeing its traffic stop.
    auto margin = std::max<core::Duration>(seconds(2), seconds(b.lifetime_s) / 10);
    if (seconds(b.lifetime_s) <= margin) return;
    in6_addr hoa = b.hoa;
    brr_timers_[hoa] = ctx_.loop.timers().schedule(b.expires - margin, [this, hoa] {
        brr_timers_.erase(hoa);
        send_refresh_request(hoa);
    });
}

void HaService::send_refresh_request(const in6_addr& hoa) {
    const ha::Binding* b = cache_.find(hoa);
    if (!b || b->pending_dad) return;
    mh::PacketSpec spec;
    spec.src = b->ha_addr;
    spec.dst = b->coa;
    spec.routing_header2 = b->hoa;  // like the BA: through the care-of address
    if (send_mobility(ctx_, spec, mh::BindingRefreshRequest{})) ctx_.stats.brr_sent++;
    XLOG_DEBUG("refresh request to %s for %s", to_string(b->coa).c_str(), to_string(hoa).c_str());
}

void HaService::deactivate(const in6_addr& hoa) {
    changed();  // the cache no longer holds hoa: on disk before the map forgets it
    if (auto it = brr_timers_.find(hoa); it != brr_timers_.end()) {
        ctx_.loop.timers().cancel(it->second);
        brr_timers_.erase(it);
    }
    after_commit([this, hoa] {
        ctx_.maps.delete_binding(dp::to_xmip(hoa));
        ctx_.netlink.del_proxy_neigh(home_ifindex_, hoa);
    });
}

void HaService::start_dad(const in6_addr& hoa, const in6_addr& coa, std::optional<core::TimePoint> received) {
    if (dad_.count(hoa)) return;
    // The probe: an NS from :: to the home address's solicited-node group,
    // built whole (a socket cannot send from ::).
    auto ns = nd::encode(nd::dad_solicitation(hoa));
    in6_addr group = core::solicited_node_multicast(hoa);
    nd::set_icmpv6_checksum(in6_addr{}, group, ns);
    std::vector<uint8_t> pkt(40 + ns.size(), 0);
    pkt[0] = 0x60;
    pkt[4] = static_cast<uint8_t>(ns.size() >> 8);
    pkt[5] = static_cast<uint8_t>(ns.size());
    pkt[6] = IPPROTO_ICMPV6;
    pkt[7] = 255;
    std::memcpy(&pkt[24], &group, 16);
    std::memcpy(&pkt[40], ns.data(), ns.size());
    ctx_.raw.send(pkt, home_ifindex_);
    auto timer = ctx_.loop.timers().schedule(ctx_.loop.now() + kDadWait, [this, hoa] {
        auto it = dad_.find(hoa);
        if (it == dad_.end()) return;
        bool unique = !it->second.duplicate;
        in6_addr coa = it->second.coa;
        auto received = it->second.received;
        dad_.erase(it);
        if (!unique) XLOG_WARN("DAD failed for %s: another node uses it on the home link", to_string(hoa).c_str());
        auto o = cache_.dad_completed(hoa, unique, ctx_.loop.now());
        // The newest BU may name another CoA than the first: the cache knows.
        if (const ha::Binding* b = cache_.find(hoa)) coa = b->coa;
        apply(o, hoa, coa, received);
    });
    dad_[hoa] = PendingDad{coa, timer, false, received};
    XLOG_DEBUG("DAD for %s started", to_string(hoa).c_str());
}

void HaService::on_home_link_icmp() {
    home_icmp_->drain([this](const io::IcmpReceived& r) {
        nd::ReceiveInfo rx{r.src, r.dst, r.hop_limit};
        auto m = nd::decode_received(rx, r.message);
        if (!m) return;  // not valid ND: the kernel's business, not ours
        if (auto* na = std::get_if<nd::NeighbourAdvertisement>(&*m)) {
            auto it = dad_.find(na->target);
            if (it != dad_.end()) it->second.duplicate = true;
        } else if (std::get_if<nd::RouterSolicitation>(&*m)) {
            if (cfg_.router_advertisements.enabled) schedule_router_advertisement(true);
        } else if (auto* ra = std::get_if<nd::RouterAdvertisement>(&*m)) {
            auto change = others_.on_router_advertisement(r.src, *ra, ctx_.loop.now());
            if (change == nd::HomeAgentsList::Change::added)
                XLOG_INFO("home agent %s appeared on the home link", to_string(r.src).c_str());
            ctx_.observe().home_agents(others_.by_preference(ctx_.loop.now()).size());
        }
    });
}

void HaService::send_router_advertisement() {
    const auto& c = cfg_.router_advertisements;
    nd::RouterAdvertisement ra;
    ra.cur_hop_limit = 64;
    ra.home_agent = true;
    ra.router_lifetime = c.router_lifetime;
    ra.options.emplace_back(std::in_place_type<nd::SourceLinkLayerAddress>, nd::SourceLinkLayerAddress{home_mac_});
    for (const auto& pfx : cfg_.prefixes) {
        nd::PrefixInformation pi;
        pi.prefix_length = pfx.length;
        pi.on_link = true;
        pi.autonomous = true;
        pi.valid_lifetime = c.prefix_valid_lifetime;
        pi.preferred_lifetime = c.prefix_preferred_lifetime;
        // R flag: the prefix field holds our full address on the prefix that
        // has it (RFC 6275 7.2), so mobile nodes learn the HA address.
        if (pfx.contains(cfg_.address)) {
            pi.router_address = true;
            pi.prefix = ha_addr_;
        } else {
            pi.prefix = pfx.network().address.to_in6();
        }
        ra.options.emplace_back(std::in_place_type<nd::PrefixInformation>, pi);
    }
    if (c.interval_option)
        ra.options.emplace_back(std::in_place_type<nd::AdvertisementInterval>, nd::AdvertisementInterval{c.max_interval_ms});
    ra.options.emplace_back(std::in_place_type<nd::HomeAgentInformation>,
                            nd::HomeAgentInformation{cfg_.preference, cfg_.lifetime, false});
    home_icmp_->send(nd::kAllNodes, nd::encode(ra));
    last_ra_ = ctx_.loop.now();
}

void HaService::schedule_router_advertisement(bool soon) {
    const auto& c = cfg_.router_advertisements;
    static thread_local std::mt19937 rng{std::random_device{}()};
    core::TimePoint when;
    if (soon) {
        // An RS (or the start): answer promptly, but not more often than
        // MinDelayBetweenRAs.
        when = ctx_.loop.now();
        if (last_ra_ && *last_ra_ + kMinDelayBetweenRas > when) when = *last_ra_ + kMinDelayBetweenRas;
    } else {
        std::uniform_int_distribution<uint32_t> d(c.min_interval_ms, c.max_interval_ms);
        when = ctx_.loop.now() + milliseconds(d(rng));
    }
    ctx_.loop.timers().cancel(ra_timer_);
    ra_timer_ = ctx_.loop.timers().schedule(when, [this] {
        ra_timer_.reset();
        send_router_advertisement();
        schedule_router_advertisement(false);
    });
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
            deactivate(b.hoa);
            XLOG_INFO("binding for %s expired", to_string(b.hoa).c_str());
        }
        schedule_expiry();
    });
}

nlohmann::json HaService::status() const {
    return {{"role", "ha"},
            {"home_agent_address", to_string(ha_addr_)},
            {"home_link", cfg_.home_link},
            {"bindings", cache_.size()},
            {"binding_limit", cfg_.max_bindings},
            {"home_agents_known", others_.size()}};
}

nlohmann::json HaService::bindings() const {
    nlohmann::json out = nlohmann::json::array();
    const auto now = ctx_.loop.now();
    for (const auto& b : cache_.bindings()) {
        long left = b.pending_dad ? 0 : std::max<long>(0, std::chrono::duration_cast<seconds>(b.expires - now).count());
        out.push_back({{"home_address", to_string(b.hoa)},
                       {"care_of_address", to_string(b.coa)},
                       {"home_agent_address", to_string(b.ha_addr)},
                       {"sequence", b.seq},
                       {"lifetime", b.lifetime_s},
                       {"lifetime_left", left},
                       {"state", b.pending_dad ? "dad" : "active"}});
    }
    return out;
}

nlohmann::json HaService::home_agents() const {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& e : others_.by_preference(ctx_.loop.now())) {
        nlohmann::json addrs = nlohmann::json::array();
        for (const auto& g : e.global_addresses) addrs.push_back(to_string(g.address));
        out.push_back({{"link_local", to_string(e.link_local)},
                       {"preference", e.preference},
                       {"lifetime_left", std::chrono::duration_cast<seconds>(e.expires - ctx_.loop.now()).count()},
                       {"addresses", addrs}});
    }
    return out;
}

void HaService::add_binding(const in6_addr& hoa, const in6_addr& coa, uint32_t lifetime_s) {
    // An operator's binding: as if the mobile node had registered, without
    // DAD (the operator vouches) and with a sequence after any existing one.
    ha::BindingUpdate req;
    req.hoa = hoa;
    req.coa = coa;
    req.ha_addr = ha_addr_;
    const ha::Binding* old = cache_.find(hoa);
    req.seq = old ? static_cast<uint16_t>(old->seq + 1) : 0;
    req.lifetime_s = lifetime_s;
    req.ack = false;
    auto o = cache_.process(req, ctx_.loop.now(), /*skip_dad=*/true);
    if (o.action == Action::Reject)
        throw std::invalid_argument("refused with status " + std::to_string(o.status));
    apply(o, hoa, coa);
    flush();  // in force when the operator gets the answer
}

bool HaService::remove_binding(const in6_addr& hoa) {
    if (!cache_.remove(hoa)) return false;
    deactivate(hoa);
    schedule_expiry();
    flush();  // in force when the operator gets the answer
    return true;
}

void HaService::reload(const config::Config& c) {
    if (!c.home_agent) return;
    if (c.home_agent->address != cfg_.address || c.home_agent->home_link != cfg_.home_link)
        XLOG_WARN("reload: home agent address and home link change only with a restart");
    auto keep_addr = cfg_.address;
    auto keep_link = cfg_.home_link;
    cfg_ = *c.home_agent;
    cfg_.address = keep_addr;
    cfg_.home_link = keep_link;
    cache_.set_policy(policy_from(cfg_));
    guard_.set_policy(guard_policy(cfg_));
    bound_sources_.set_limit(per_source(cfg_));
    other_sources_.set_limit(per_source(cfg_));
    ctx_.observe().binding_cache(cache_.size(), cfg_.max_bindings);
    if (cfg_.router_advertisements.enabled)
        schedule_router_advertisement(true);
    else
        ctx_.loop.timers().cancel(ra_timer_);
    XLOG_INFO("reloaded: %zu bindings kept", cache_.size());
}

void HaService::stop(bool keep_forwarding) {
    if (keep_forwarding) return;  // the successor takes over the proxy entries too
    for (const auto& b : cache_.bindings()) ctx_.netlink.del_proxy_neigh(home_ifindex_, b.hoa);
}

}  // namespace xmip::agent
