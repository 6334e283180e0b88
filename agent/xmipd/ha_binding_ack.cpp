// SPDX-License-Identifier: BSD-2-Clause
#include "xmipd/ha_binding_ack.hpp"

#include "auth/authenticator.hpp"
#include "core/in6.hpp"
#include "core/log.hpp"

namespace xmip::agent {

std::optional<OutgoingMessage> build_binding_ack(const in6_addr& ha_addr, const in6_addr& hoa, const in6_addr& coa,
                                                 const ha::Outcome& o, const auth::SecurityAssociation* sa,
                                                 uint64_t timestamp) {
    mh::BindingAck ba;
    ba.status = o.status;
    ba.sequence = o.seq;
    ba.set_lifetime_seconds(o.lifetime_s);
    if (o.refresh_advice_s)
        ba.options.emplace_back(std::in_place_type<mh::BindingRefreshAdvice>,
                                mh::BindingRefreshAdvice{static_cast<uint16_t>(*o.refresh_advice_s / 4)});
    OutgoingMessage out;
    out.spec.src = ha_addr;
    out.spec.dst = coa;
    // To a mobile node away from home: through its care-of address, with its
    // home address in a type 2 routing header (RFC 6275 6.1.8, 9.5.4).
    if (!core::same_addr(coa, hoa)) out.spec.routing_header2 = hoa;
    out.msg = ba;
    if (sa && !auth::sign(out.msg, coa, hoa, *sa, timestamp)) {
        XLOG_ERROR("cannot authenticate the BA to %s", core::to_string(coa).c_str());
        return std::nullopt;
    }
    return out;
}

OutgoingMessage build_refresh_request(const ha::Binding& b) {
    OutgoingMessage out;
    out.spec.src = b.ha_addr;
    out.spec.dst = b.hoa;
    // Not with a type 2 routing header (RFC 6275 6.1: only the BA may have
    // one): to the home address, tunnelled to the care-of address like
    // anything else the home agent sends there (10.4.2).
    if (!core::same_addr(b.coa, b.hoa)) out.spec.tunnel = mh::PacketSpec::Tunnel{b.ha_addr, b.coa};
    out.msg = mh::BindingRefreshRequest{};
    return out;
}

}  // namespace xmip::agent
