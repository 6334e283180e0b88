// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/mn_movement.hpp"

#include <netinet/icmp6.h>

#include "core/log.hpp"
#include "nd/validate.hpp"

namespace xmip::agent {

using std::chrono::milliseconds;

RaMeaning classify(const nd::RouterAdvertisement& ra, const core::Prefix& home_prefix, Where where,
                   const std::optional<core::Prefix>& visited) {
    std::optional<core::Prefix> autoconf;
    bool home = false;
    for (const auto& pi : nd::options_of<nd::PrefixInformation>(ra.options)) {
        core::Prefix p{core::mask_prefix(pi.prefix, pi.prefix_length), pi.prefix_length};
        if (pi.prefix_length == home_prefix.len && home_prefix.contains(pi.prefix)) home = true;
        else if (pi.autonomous && pi.prefix_length == 64 && pi.valid_lifetime > 0 && !autoconf) autoconf = p;
    }
    if (home) return {RaMeaning::Kind::Home, {}};
    if (!autoconf) return {RaMeaning::Kind::Nothing, {}};
    if (where == Where::Away && visited && core::same_addr(visited->addr, autoconf->addr))
        return {RaMeaning::Kind::SameLink, *autoconf};
    return {RaMeaning::Kind::Moved, *autoconf};
}

MovementDetector::MovementDetector(core::EventLoop& loop, Wire& wire, Kernel& kernel, int ifindex,
                                   std::array<uint8_t, 6> mac, const in6_addr& hoa, unsigned home_prefix_len,
                                   bool link_up, Handlers h)
    : loop_(loop),
      ifindex_(ifindex),
      mac_(mac),
      hoa_(hoa),
      home_prefix_len_(home_prefix_len),
      link_up_(link_up),
      h_(std::move(h)) {
    icmp_ = wire.open_nd(ifindex_, {ND_ROUTER_ADVERT});
    loop_.add_fd(icmp_->fd(), [this] {
        icmp_->drain([this](const io::IcmpReceived& r) {
            auto m = nd::decode_received(nd::ReceiveInfo{r.src, r.dst, r.hop_limit}, r.message);
            if (!m) return;
            if (auto* ra = std::get_if<nd::RouterAdvertisement>(&*m)) h_.router_advertisement(r.src, *ra);
        });
    });
    links_ = kernel.watch_links();
    loop_.add_fd(links_->fd(), [this] { on_link_events(); });
}

MovementDetector::~MovementDetector() {
    loop_.remove_fd(icmp_->fd());
    loop_.remove_fd(links_->fd());
    loop_.timers().cancel(silence_timer_);
}

void MovementDetector::on_link_events() {
    links_->drain([this](const netlink::Monitor::Event& e) {
        if (e.kind == netlink::Monitor::Event::Kind::AddrAdded && e.addr.ifindex == ifindex_ &&
            core::same_addr(e.addr.addr, hoa_) && e.addr.prefixlen == home_prefix_len_) {
            h_.home_address_on_link();
            return;
        }
        if (e.kind != netlink::Monitor::Event::Kind::LinkChanged || e.link.ifindex != ifindex_) return;
        bool up = e.link.up && e.link.running;
        // Set before the handler: it may ask (an RS) on the link now up.
        bool came_up = up && !link_up_;
        link_up_ = up;
        if (came_up) h_.link_up();
    });
}

void MovementDetector::watch_router(const nd::RouterAdvertisement& ra) {
    loop_.timers().cancel(silence_timer_);
    auto* ai = nd::find_option<nd::AdvertisementInterval>(ra.options);
    if (!ai || ai->interval_ms == 0) return;
    // One interval and a half without an advertisement: ask. The answer
    // (or one from another router) tells whether we moved.
    auto silence = milliseconds(ai->interval_ms + ai->interval_ms / 2);
    silence_timer_ = loop_.timers().schedule(loop_.now() + silence, [this, silence] {
        silence_timer_.reset();
        XLOG_INFO("no router advertisement for %lld ms: soliciting", static_cast<long long>(silence.count()));
        solicit();
    });
}

void MovementDetector::solicit() {
    nd::RouterSolicitation rs;
    rs.options.emplace_back(std::in_place_type<nd::SourceLinkLayerAddress>, nd::SourceLinkLayerAddress{mac_});
    icmp_->send(nd::kAllRouters, nd::encode(rs));
}

}  // namespace xmip::agent
