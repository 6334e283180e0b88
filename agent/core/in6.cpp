#include "in6.hpp"

#include <arpa/inet.h>

#include <charconv>

namespace xmip::core {

std::optional<in6_addr> parse_addr(std::string_view s) {
    std::string str(s);
    in6_addr a{};
    if (inet_pton(AF_INET6, str.c_str(), &a) != 1) return std::nullopt;
    return a;
}

std::string to_string(const in6_addr& a) {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, &a, buf, sizeof(buf));
    return buf;
}

bool Prefix::contains(const in6_addr& a) const {
    unsigned full = len / 8, rest = len % 8;
    if (std::memcmp(&addr, &a, full) != 0) return false;
    if (!rest) return true;
    uint8_t mask = static_cast<uint8_t>(0xff << (8 - rest));
    return (addr.s6_addr[full] & mask) == (a.s6_addr[full] & mask);
}

std::string Prefix::str() const { return to_string(addr) + "/" + std::to_string(len); }

std::optional<Prefix> parse_prefix(std::string_view s) {
    auto slash = s.find('/');
    if (slash == std::string_view::npos) return std::nullopt;
    auto a = parse_addr(s.substr(0, slash));
    unsigned len = 0;
    auto tail = s.substr(slash + 1);
    auto [p, ec] = std::from_chars(tail.data(), tail.data() + tail.size(), len);
    if (!a || ec != std::errc() || p != tail.data() + tail.size() || len > 128) return std::nullopt;
    return Prefix{*a, len};
}

}  // namespace xmip::core
