// SPDX-License-Identifier: BSD-2-Clause
// Reading the shared keys of the security associations (RFC 4285): the one
// place besides load() where the configuration library reads a file. Kept
// apart from validate() so a configuration can be checked (and its examples
// tested) on a machine that does not hold the keys.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstring>
#include <map>
#include <utility>
#include <variant>

#include "detail.hpp"

namespace xmip::config {

namespace {

constexpr size_t kMaxKeyFileBytes = 4096;

size_t min_key_length(AuthAlgorithm a) { return a == AuthAlgorithm::HmacSha1_96 ? 20 : 32; }

// The key, or why not.
std::variant<std::vector<uint8_t>, std::string> read_key(const std::string& path, AuthAlgorithm alg) {
    // Open first, then look at what was opened: no window between the check
    // and the read for the file to be swapped. O_NONBLOCK: opening a FIFO
    // would otherwise wait for a writer (xmipd --check hung); it changes
    // nothing for the regular file read below.
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) return std::string("cannot read the key file ") + detail::quote(path) + ": " + std::strerror(errno);
    struct Closer {
        int fd;
        ~Closer() { ::close(fd); }
    } closer{fd};
    struct stat st {};
    if (::fstat(fd, &st) != 0) return std::string("cannot stat the key file: ") + std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return "the key file " + detail::quote(path) + " is not a regular file";
    if (st.st_mode & (S_IRWXG | S_IRWXO)) {
        char mode[8];
        std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
        return "the key file " + detail::quote(path) + " has mode " + mode +
               ": group and other users may use it; make it private (chmod 600)";
    }
    std::string text;
    char buf[512];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            return std::string("cannot read the key file: ") + std::strerror(errno);
        }
        if (n == 0) break;
        text.append(buf, static_cast<size_t>(n));
        if (text.size() > kMaxKeyFileBytes) return "the key file " + detail::quote(path) + " is too large for a key";
    }
    std::vector<uint8_t> key;
    int high = -1;
    for (char ch : text) {
        auto c = static_cast<unsigned char>(ch);
        if (std::isspace(c)) continue;
        if (!std::isxdigit(c))
            return "the key file " + detail::quote(path) + " holds something other than hex digits";
        int v = std::isdigit(c) ? c - '0' : std::tolower(c) - 'a' + 10;
        if (high < 0) {
            high = v;
        } else {
            key.push_back(static_cast<uint8_t>(high << 4 | v));
            high = -1;
        }
    }
    if (high >= 0) return "the key file " + detail::quote(path) + " holds an odd number of hex digits";
    if (key.empty()) return "the key file " + detail::quote(path) + " is empty";
    if (key.size() < min_key_length(alg))
        return "the key in " + detail::quote(path) + " is " + std::to_string(key.size()) + " bytes; " +
               to_string(alg) + " needs at least " + std::to_string(min_key_length(alg)) +
               " (openssl rand -hex 32 makes one)";
    return key;
}

// One read per key file and algorithm: a deployment of 10^5 mobile nodes may
// name one file in every association, and each read is four system calls.
using KeyCache = std::map<std::pair<std::string, AuthAlgorithm>, std::variant<std::vector<uint8_t>, std::string>>;

void read_one(SecurityAssociation& sa, std::vector<Diagnostic>& errors, KeyCache& cache) {
    auto at = cache.find({sa.key_file.path, sa.algorithm});
    if (at == cache.end())
        at = cache.emplace(std::pair{sa.key_file.path, sa.algorithm}, read_key(sa.key_file.path, sa.algorithm)).first;
    const auto& r = at->second;
    if (auto* err = std::get_if<std::string>(&r))
        errors.push_back({sa.key_file.file, sa.key_file.line, sa.key_file.label, *err});
    else
        sa.key = std::get<std::vector<uint8_t>>(r);
}

}  // namespace

std::vector<Diagnostic> read_keys(Config& c) {
    std::vector<Diagnostic> errors;
    KeyCache cache;
    if (c.home_agent)
        for (auto& sa : c.home_agent->security_associations) read_one(sa, errors, cache);
    if (c.mobile_node && c.mobile_node->authentication) read_one(*c.mobile_node->authentication, errors, cache);
    return errors;
}

}  // namespace xmip::config
