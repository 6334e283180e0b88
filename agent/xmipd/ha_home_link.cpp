// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_home_link.hpp"

#include <netinet/icmp6.h>

#include <random>

#include "core/log.hpp"
#include "nd/address.hpp"
#include "nd/neighbour.hpp"
#include "nd/router.hpp"
#include "nd/validate.hpp"
#include "xmipd/ha_prefix_information.hpp"

namespace xmip::agent {

using std::chrono::milliseconds;

namespace {
constexpr auto kMinDelayBetweenRas = milliseconds(30);  // RFC 6275 7.5 on a home link
}  // namespace

HomeLink::HomeLink(Context& ctx, const config::HomeAgentSettings& cfg, int ifindex, std::array<uint8_t, 6> mac,
                   std::function<void(const in6_addr&)> on_neighbour_advertisement)
    : ctx_(ctx), cfg_(cfg), ifindex_(ifindex), mac_(mac), on_na_(std::move(on_neighbour_advertisement)) {
    socket_ = ctx_.wire.open_nd(
        ifindex,
        {ND_ROUTER_SOLICIT, ND_ROUTER_ADVERT, ND_NEIGHBOR_ADVERT, nd::kDhaadRequest, nd::kMobilePrefixSolicitation},
        {"ff02::2"});
    ctx_.loop.add_fd(socket_->fd(), [this] { on_icmp(); });
    // The link's MAC can change under us (ip link set address, a bond's
    // failover, a VM migrated): what we put in RAs, claims and the
    // datapath's ND answers follows it.
    links_ = ctx_.kernel.watch_links();
    ctx_.loop.add_fd(links_->fd(), [this] { on_link_events(); });
    if (cfg_.router_advertisements.enabled) schedule_router_advertisement(true);
}

HomeLink::~HomeLink() {
    ctx_.loop.remove_fd(socket_->fd());
    ctx_.loop.remove_fd(links_->fd());
    ctx_.loop.timers().cancel(ra_timer_);
}

void HomeLink::reload(const config::HomeAgentSettings& cfg) {
    cfg_ = cfg;
    if (cfg_.router_advertisements.enabled)
        schedule_router_advertisement(true);
    else
        ctx_.loop.timers().cancel(ra_timer_);
}

void HomeLink::on_link_events() {
    links_->drain([this](const netlink::Monitor::Event& e) {
        if (e.kind != netlink::Monitor::Event::Kind::LinkChanged || e.link.ifindex != ifindex_) return;
        const std::array<uint8_t, 6> none{};
        if (e.link.mac == mac_ || e.link.mac == none) return;
        XLOG_WARN(
            "home link %s: MAC changed from %s to %s: Router Advertisements and Neighbour Advertisements for "
            "home addresses use the new one",
            cfg_.home_link.c_str(), nd::to_string(mac_).c_str(), nd::to_string(e.link.mac).c_str());
        mac_ = e.link.mac;
        ctx_.tunnels.set_home_link_mac(mac_);
        // Neighbours learn it from our next advertisement, sent now.
        if (cfg_.router_advertisements.enabled) schedule_router_advertisement(true);
    });
}

void HomeLink::claim(const in6_addr& hoa) {
    socket_->send(nd::kAllNodes, nd::encode(nd::proxy_advertisement(hoa, mac_, false)));
}

void HomeLink::on_icmp() {
    socket_->drain([this](const io::IcmpReceived& r) {
        if (!r.message.empty() &&
            (r.message[0] == nd::kDhaadRequest || r.message[0] == nd::kMobilePrefixSolicitation)) {
            if (on_discovery_) on_discovery_(r);
            return;
        }
        nd::ReceiveInfo rx{r.src, r.dst, r.hop_limit};
        auto m = nd::decode_received(rx, r.message);
        if (!m) return;  // not valid ND: the kernel's business, not ours
        if (auto* na = std::get_if<nd::NeighbourAdvertisement>(&*m)) {
            on_na_(na->target);
        } else if (std::get_if<nd::RouterSolicitation>(&*m)) {
            if (cfg_.router_advertisements.enabled) schedule_router_advertisement(true);
        } else if (auto* ra = std::get_if<nd::RouterAdvertisement>(&*m)) {
            auto change = others_.on_router_advertisement(r.src, *ra, ctx_.loop.now());
            if (change == nd::HomeAgentsList::Change::added)
                XLOG_INFO("home agent %s appeared on the home link", core::to_string(r.src).c_str());
            ctx_.observe().home_agents(others_.by_preference(ctx_.loop.now()).size());
        }
    });
}

void HomeLink::send_router_advertisement() {
    const auto& c = cfg_.router_advertisements;
    const std::vector<in6_addr> addresses = held_ ? held_() : std::vector<in6_addr>{cfg_.address.to_in6()};
    nd::RouterAdvertisement ra;
    ra.cur_hop_limit = 64;
    ra.home_agent = !addresses.empty();
    ra.router_lifetime = c.router_lifetime;
    ra.options.emplace_back(std::in_place_type<nd::SourceLinkLayerAddress>, nd::SourceLinkLayerAddress{mac_});
    for (const auto& pfx : cfg_.prefixes)
        ra.options.emplace_back(std::in_place_type<nd::PrefixInformation>,
                                advertised_home_prefix(cfg_, pfx, addresses));
    if (c.interval_option)
        ra.options.emplace_back(std::in_place_type<nd::AdvertisementInterval>, nd::AdvertisementInterval{c.max_interval_ms});
    if (ra.home_agent)
        ra.options.emplace_back(std::in_place_type<nd::HomeAgentInformation>,
                                nd::HomeAgentInformation{cfg_.preference, cfg_.lifetime, false});
    socket_->send(nd::kAllNodes, nd::encode(ra));
    last_ra_ = ctx_.loop.now();
}

void HomeLink::holdings_changed() {
    if (cfg_.router_advertisements.enabled) schedule_router_advertisement(true);
}

void HomeLink::schedule_router_advertisement(bool soon) {
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

}  // namespace xmip::agent
