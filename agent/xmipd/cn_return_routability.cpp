// SPDX-License-Identifier: BSD-2-Clause
// The correspondent's half of return routability (RFC 6275 9.4): a HoTI is
// answered with a HoT to its source (the home address; the HoTI came
// through the home agent), a CoTI with a CoT to its source (the care-of
// address). Neither creates state here: the tokens are recomputed from Kcn
// and the nonce index when a Binding Update names them.
#include "xmipd/cn_service.hpp"

namespace xmip::agent {

namespace {

// RFC 6275 9.4.1 / 9.4.2: a HoTI or CoTI with a Home Address option is
// dropped (the tests are about the addresses the packets really travel to).
bool has_home_address_option(const mh::ParsedPacket& p) { return p.info.home_address.has_value(); }

mh::PacketSpec reply_to(const mh::ParsedPacket& p) {
    mh::PacketSpec s;
    s.src = p.info.dst;
    s.dst = p.info.src;
    return s;
}

}  // namespace

void CnService::handle_hoti(const mh::ParsedPacket& p, const mh::HomeTestInit& m) {
    ctx_.stats.hoti_received++;
    if (has_home_address_option(p)) {
        ctx_.stats.hoti_drop_invalid++;
        return;
    }
    switch (admit(p.info.src, &p.info.src)) {
        case Admission::Policy: ctx_.stats.hoti_drop_policy++; return;
        case Admission::Rate: ctx_.stats.hoti_drop_ratelimit++; return;
        case Admission::Admitted: break;
    }
    auto hot = keys_.home_test(m, p.info.src, ctx_.loop.now());
    if (send_mobility(ctx_, reply_to(p), hot)) ctx_.stats.hot_sent++;
}

void CnService::handle_coti(const mh::ParsedPacket& p, const mh::CareOfTestInit& m) {
    ctx_.stats.coti_received++;
    if (has_home_address_option(p)) {
        ctx_.stats.coti_drop_invalid++;
        return;
    }
    // A CoTI names no home address: only the switch and the rate apply; the
    // peer policy acts on the HoTI and the BU.
    switch (admit(p.info.src, nullptr)) {
        case Admission::Policy: ctx_.stats.coti_drop_policy++; return;
        case Admission::Rate: ctx_.stats.coti_drop_ratelimit++; return;
        case Admission::Admitted: break;
    }
    auto cot = keys_.care_of_test(m, p.info.src, ctx_.loop.now());
    if (send_mobility(ctx_, reply_to(p), cot)) ctx_.stats.cot_sent++;
}

}  // namespace xmip::agent
