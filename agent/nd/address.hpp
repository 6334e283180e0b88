// Small helpers on struct in6_addr that the codec, the receive checks and the
// Home Agents List need (classification, solicited-node groups, text).
#pragma once

#include <netinet/in.h>

#include <array>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace xmip::nd {

// Ethernet address (link-layer address options are Ethernet only, RFC 2464).
using LinkLayerAddress = std::array<uint8_t, 6>;

// Byte-wise comparisons. They live in xmip::nd (not the global namespace, to
// avoid clashing with other components' helpers); code in this namespace,
// including the defaulted comparisons of the codec structs, finds them.
bool operator==(const in6_addr& a, const in6_addr& b) noexcept;
std::strong_ordering operator<=>(const in6_addr& a, const in6_addr& b) noexcept;

bool is_unspecified(const in6_addr& a) noexcept;
bool is_multicast(const in6_addr& a) noexcept;
bool is_link_local(const in6_addr& a) noexcept;  // fe80::/10 unicast

// ff02::1:ffXX:XXXX from the low 24 bits of `a` (RFC 4291 2.7.1): where a
// DAD or address-resolution NS for `a` is sent.
in6_addr solicited_node_multicast(const in6_addr& a) noexcept;
bool is_solicited_node_multicast(const in6_addr& a) noexcept;

// The first `length` bits of `a`, the rest zero (Prefix Information prefixes).
in6_addr mask_prefix(const in6_addr& a, unsigned length) noexcept;

std::optional<in6_addr> parse_address(std::string_view text);
std::string to_string(const in6_addr& a);
std::optional<LinkLayerAddress> parse_link_layer_address(std::string_view text);  // "02:00:00:00:27:02"
std::string to_string(const LinkLayerAddress& a);

}  // namespace xmip::nd
