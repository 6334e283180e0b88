// SPDX-License-Identifier: BSD-2-Clause
// Binding Error status 1 (RFC 6275 9.3.1): a packet with a Home Address
// option for which this correspondent has no binding. The datapath drops
// such packets and reports them; the answer is rate-limited for all
// sources together (a stream of them must not become a stream of errors;
// 9.3.1 asks for rate limiting as for ICMP errors).
#include "xmipd/cn_service.hpp"

namespace xmip::agent {

void CnService::on_unbound_home_address(const in6_addr& hoa, const in6_addr& src, const in6_addr& dst) {
    if (!binding_errors_.take(kBindingErrorRate, ctx_.loop.now())) {
        ctx_.stats.be_drop_ratelimit++;
        return;
    }
    mh::BindingError be;
    be.status = mh::be_status::unknown_binding_for_hao;
    be.home_address = hoa;
    mh::PacketSpec spec;
    spec.src = dst;
    spec.dst = src;  // the care-of address the packet came from
    if (send_mobility(ctx_, spec, be)) ctx_.stats.be_sent++;
}

}  // namespace xmip::agent
