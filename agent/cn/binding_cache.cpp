// SPDX-License-Identifier: BSD-2-Clause
#include "cn/binding_cache.hpp"

#include <algorithm>

#include "rr/crypto.hpp"

namespace xmip::cn {
namespace {

Outcome reject(uint8_t status, uint16_t seq, std::optional<rr::Kbm> kbm = std::nullopt) {
    Outcome o;
    o.action = Outcome::Action::Reject;
    o.status = status;
    o.seq = seq;
    o.send_ba = true;  // a refusal is always answered (9.5.4)
    o.kbm = kbm;
    return o;
}

Outcome discard(Outcome::Discard why) {
    Outcome o;
    o.discard = why;
    return o;
}

}  // namespace

Outcome BindingCache::process(const BindingUpdate& bu, core::TimePoint now) {
    if (!bu.nonces || !bu.has_authorization) return discard(Outcome::Discard::Incomplete);
    auto it = cache_.find(bu.hoa);
    if (bu.home)
        return reject(it != cache_.end() ? mh::ba_status::registration_type_change
                                         : mh::ba_status::home_registration_not_supported,
                      bu.seq);

    const bool dereg = bu.lifetime_s == 0 || core::same_addr(bu.coa, bu.hoa);
    auto key = keys_.binding_key(*bu.nonces, bu.hoa, bu.coa, dereg, now);
    if (auto* status = std::get_if<uint8_t>(&key)) return reject(*status, bu.seq);
    const rr::Kbm& kbm = std::get<rr::Kbm>(key);
    if (!rr::verify(kbm, bu.mh, bu.coa, bu.cn)) return discard(Outcome::Discard::Unverified);

    if (it != cache_.end() && !mh::seq_newer(bu.seq, it->second.seq))
        return reject(mh::ba_status::sequence_out_of_window, it->second.seq, kbm);

    Outcome o;
    o.seq = bu.seq;
    o.kbm = kbm;
    o.send_ba = bu.ack;
    if (dereg) {
        if (it != cache_.end()) erase(it);
        o.action = Outcome::Action::Deregister;
        return o;
    }
    if (it == cache_.end() && cache_.size() >= policy_.max_entries)
        return reject(mh::ba_status::insufficient_resources, bu.seq, kbm);

    Binding b;
    b.hoa = bu.hoa;
    b.coa = bu.coa;
    b.cn = bu.cn;
    b.seq = bu.seq;
    b.lifetime_s = std::min({bu.lifetime_s, policy_.max_lifetime_s, kMaxRrBindingLifetime});
    b.registered = now;
    b.expires = now + core::seconds(b.lifetime_s);
    if (it != cache_.end()) {
        o.action = Outcome::Action::Update;
        if (!core::same_addr(it->second.coa, bu.coa)) o.previous_coa = it->second.coa;
    } else {
        o.action = Outcome::Action::Register;
    }
    put(b);
    o.lifetime_s = b.lifetime_s;
    return o;
}

void BindingCache::put(const Binding& b) {
    if (auto it = cache_.find(b.hoa); it != cache_.end()) erase(it);
    cache_.emplace(b.hoa, b);
    by_expiry_.add(b.expires, b.hoa);
}

void BindingCache::erase(Map::iterator it) {
    by_expiry_.remove(it->second.expires, it->first);
    cache_.erase(it);
}

std::vector<Binding> BindingCache::expire(core::TimePoint now) {
    std::vector<Binding> out;
    while (auto due = by_expiry_.first_due(now)) {
        auto it = cache_.find(*due);
        out.push_back(it->second);
        erase(it);
    }
    return out;
}

bool BindingCache::remove(const in6_addr& hoa) {
    auto it = cache_.find(hoa);
    if (it == cache_.end()) return false;
    erase(it);
    return true;
}

const Binding* BindingCache::find(const in6_addr& hoa) const {
    auto it = cache_.find(hoa);
    return it == cache_.end() ? nullptr : &it->second;
}

std::vector<Binding> BindingCache::bindings() const {
    std::vector<Binding> out;
    out.reserve(cache_.size());
    for (const auto& [k, b] : cache_) out.push_back(b);
    std::sort(out.begin(), out.end(), [](const Binding& a, const Binding& b) { return core::In6Less()(a.hoa, b.hoa); });
    return out;
}

std::optional<core::TimePoint> BindingCache::next_expiry() const { return by_expiry_.next(); }

}  // namespace xmip::cn
