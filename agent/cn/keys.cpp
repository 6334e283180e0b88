// SPDX-License-Identifier: BSD-2-Clause
#include "cn/keys.hpp"

namespace xmip::cn {

Keys::Keys(const rr::Kcn& kcn, rr::NonceTable::Generator nonces, core::Duration rotate_every)
    : kcn_(kcn), nonces_(std::move(nonces), rotate_every) {}

mh::HomeTest Keys::home_test(const mh::HomeTestInit& hoti, const in6_addr& home_address, core::TimePoint now) {
    auto n = nonces_.current(now);
    mh::HomeTest hot;
    hot.nonce_index = n.index;
    hot.cookie = hoti.cookie;
    hot.keygen_token = rr::home_keygen_token(kcn_, home_address, n.nonce);
    return hot;
}

mh::CareOfTest Keys::care_of_test(const mh::CareOfTestInit& coti, const in6_addr& care_of_address,
                                  core::TimePoint now) {
    auto n = nonces_.current(now);
    mh::CareOfTest cot;
    cot.nonce_index = n.index;
    cot.cookie = coti.cookie;
    cot.keygen_token = rr::care_of_keygen_token(kcn_, care_of_address, n.nonce);
    return cot;
}

std::variant<rr::Kbm, uint8_t> Keys::binding_key(const mh::NonceIndices& indices, const in6_addr& home_address,
                                                 const in6_addr& care_of_address, bool deregistration,
                                                 core::TimePoint now) const {
    auto home = nonces_.find(indices.home_nonce_index, now);
    std::optional<rr::Nonce> care_of;
    if (!deregistration) care_of = nonces_.find(indices.care_of_nonce_index, now);
    const bool care_of_expired = !deregistration && !care_of;
    if (!home && care_of_expired) return mh::ba_status::expired_nonces;
    if (!home) return mh::ba_status::expired_home_nonce;
    if (care_of_expired) return mh::ba_status::expired_care_of_nonce;
    auto home_token = rr::home_keygen_token(kcn_, home_address, *home);
    if (deregistration) return rr::binding_key(home_token, std::nullopt);
    return rr::binding_key(home_token, rr::care_of_keygen_token(kcn_, care_of_address, *care_of));
}

}  // namespace xmip::cn
