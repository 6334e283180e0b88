// SPDX-License-Identifier: BSD-2-Clause
// Fuzz target: ICMPv6 Neighbour Discovery and Mobile IPv6 ICMP messages
// (nd::decode: RS, RA, NS, NA, DHAAD, Mobile Prefix) and the RFC 4861
// receive checks (nd::decode_received), as the agent's ICMPv6 socket gets
// them.
//
// Invariants:
// - what decodes re-encodes, and decoding that gives the same message, whose
//   encoding is the same bytes again (encoding is deterministic);
// - the receive checks never accept what decode() refuses, and accept
//   exactly the message decode() gives.
#include <cstring>

#include "fuzz_check.hpp"
#include "nd/nd.hpp"

using namespace xmip::nd;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::span<const uint8_t> icmp(data, size);
    auto msg = decode(icmp);
    if (msg) {
        FUZZ_CHECK(icmp_type(*msg) == data[0]);
        auto enc = encode(*msg);
        auto again = decode(enc);
        FUZZ_CHECK(again.ok());
        FUZZ_CHECK(*again == *msg);
        FUZZ_CHECK(encode(*again) == enc);
    }

    // What a router or node on the link would send: hop limit 255 from a
    // link-local source to all-nodes.
    ReceiveInfo rx;
    rx.source = *parse_addr("fe80::1");
    rx.destination = kAllNodes;
    rx.hop_limit = 255;
    auto received = decode_received(rx, icmp);
    if (received) {
        FUZZ_CHECK(msg.ok());
        FUZZ_CHECK(*received == *msg);
    }
    return 0;
}
