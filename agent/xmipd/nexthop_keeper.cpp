// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/nexthop_keeper.hpp"

#include <algorithm>
#include <cstring>

#include "core/in6.hpp"
#include "core/log.hpp"

namespace xmip::agent {

namespace {

std::array<uint8_t, 16> key_of(const in6_addr& a) {
    std::array<uint8_t, 16> k{};
    std::memcpy(k.data(), &a, 16);
    return k;
}

}  // namespace

NexthopKeeper::NexthopKeeper(core::EventLoop& loop, dp::NexthopMap map, netlink::Netlink& nl,
                             std::function<void()> on_new_link)
    : loop_(loop),
      map_(map),
      nl_(nl),
      on_new_link_(std::move(on_new_link)),
      events_(std::make_unique<netlink::RouteEvents>()) {
    // Subscribed before the first resolution: a change from here on is seen.
    loop_.add_fd(events_->fd(), [this] { on_events(); });
    const auto st = map_.state();
    gen_ = st.gen;
    route_gen_ = st.route_gen;
    invalidate();
    refresh_ = loop_.timers().schedule(loop_.now() + kRefreshEvery, [this] { on_refresh(); });
}

NexthopKeeper::~NexthopKeeper() {
    loop_.remove_fd(events_->fd());
    loop_.timers().cancel(refresh_);
    loop_.timers().cancel(slice_);
}

void NexthopKeeper::track(const in6_addr& coa) {
    const Key k = key_of(coa);
    if (coas_[k]++ == 0) resolve(k, gen_);
}

void NexthopKeeper::untrack(const in6_addr& coa) {
    const Key k = key_of(coa);
    auto it = coas_.find(k);
    if (it == coas_.end()) return;
    if (--it->second == 0) {
        coas_.erase(it);
        xmip_in6 x{};
        std::memcpy(x.u8, k.data(), 16);
        map_.erase(x);
    }
}

void NexthopKeeper::invalidate() {
    gen_++;
    bool rules = true;  // unknown: do not cache
    try {
        rules = nl_.has_policy_rules();
    } catch (const std::exception& e) {
        XLOG_WARN("next-hop cache: cannot list the IPv6 rules (%s); off", e.what());
    }
    if (rules != off_)
        XLOG_INFO("next-hop cache %s", rules ? "off: IPv6 policy rules present, every packet takes the FIB lookup"
                                             : "on: no IPv6 policy rules beyond the defaults");
    off_ = rules;
    route_gen_++;
    write_state();
}

// XMIP_NHF_ROUTES: this keeper bumps route_gen on every event and every
// second, so the datapath may remember its own uplink route lookups.
void NexthopKeeper::write_state() {
    xmip_nh_state st{};
    st.gen = gen_;
    st.flags = XMIP_NHF_ROUTES | (off_ ? XMIP_NHF_OFF : 0u);
    st.route_gen = route_gen_;
    map_.set_state(st);
}

void NexthopKeeper::resolve(const Key& k, uint32_t gen) {
    in6_addr a{};
    std::memcpy(&a, k.data(), 16);
    xmip_in6 x{};
    std::memcpy(x.u8, k.data(), 16);
    std::optional<netlink::Nexthop> nh;
    std::string why;
    if (!off_) {
        try {
            nh = nl_.resolve_nexthop(a, &why);
        } catch (const std::exception& e) {
            why = e.what();
        }
    }
    if (!nh) {  // the kernel's lookup decides for this one
        if (map_.erase(x)) XLOG_DEBUG("next-hop cache: %s not cached: %s", core::to_string(a).c_str(), why.c_str());
        return;
    }
    xmip_nexthop v{};
    v.ifindex = static_cast<uint32_t>(nh->ifindex);
    v.mtu = nh->mtu;
    std::copy(nh->dmac.begin(), nh->dmac.end(), v.dmac);
    std::copy(nh->smac.begin(), nh->smac.end(), v.smac);
    v.gen = gen;
    if (auto old = map_.get(x); old && std::memcmp(&*old, &v, sizeof v) == 0) return;
    if (!map_.put(x, v)) {  // full: not cached, still forwarded
        map_.erase(x);
        return;
    }
    XLOG_DEBUG("next-hop cache: %s via ifindex %d to %02x:%02x:%02x:%02x:%02x:%02x mtu %u gen %u",
               core::to_string(a).c_str(), nh->ifindex, v.dmac[0], v.dmac[1], v.dmac[2], v.dmac[3], v.dmac[4],
               v.dmac[5], v.mtu, gen);
}

void NexthopKeeper::on_events() {
    const auto seen = events_->drain();
    if (!seen.any) return;
    invalidate();  // first: from here on no packet takes an old entry
    if (seen.new_link && on_new_link_) on_new_link_();
    start_pass();  // a new generation: from the start, even if one was under way
}

void NexthopKeeper::on_refresh() {
    // The uplink's remembered routes age out (a path MTU change raises no
    // event); the care-of entries are checked one by one instead, so the
    // downlink keeps its hits.
    route_gen_++;
    write_state();
    if (pass_.done()) start_pass();
    refresh_ = loop_.timers().schedule(loop_.now() + kRefreshEvery, [this] { on_refresh(); });
}

void NexthopKeeper::start_pass() {
    loop_.timers().cancel(slice_);
    pass_.restart(coas_.size());
    continue_pass();
}

void NexthopKeeper::continue_pass() {
    slice_.reset();
    pass_.step(coas_, kSlice, [this](const Key& k) { resolve(k, gen_); });
    if (!pass_.done()) slice_ = loop_.timers().schedule(loop_.now() + kSliceEvery, [this] { continue_pass(); });
}

}  // namespace xmip::agent
