// SPDX-License-Identifier: BSD-2-Clause
#include "state/file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace xmip::state {

namespace {

std::string sys_error(const std::string& what, const std::string& path, int err) {
    return what + " " + path + ": " + std::strerror(err);
}

bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return false;
        }
        data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
}

}  // namespace

std::optional<std::string> write_atomically(const std::string& path, std::string_view data) {
    const std::filesystem::path p(path);
    const std::string dir = p.has_parent_path() ? p.parent_path().string() : ".";
    // A fixed name per target: a temp file a crash left behind is simply
    // overwritten by the next write, never accumulated.
    const std::string tmp = path + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return sys_error("cannot create", tmp, errno);
    if (!write_all(fd, data) || ::fsync(fd) != 0) {
        int err = errno;
        ::close(fd);
        ::unlink(tmp.c_str());
        return sys_error("cannot write", tmp, err);
    }
    if (::close(fd) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return sys_error("cannot write", tmp, err);
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        int err = errno;
        ::unlink(tmp.c_str());
        return sys_error("cannot rename " + tmp + " to", path, err);
    }
    // The rename is durable only once the directory entry is.
    int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd < 0) return sys_error("cannot open directory", dir, errno);
    int rc = ::fsync(dfd);
    int err = errno;
    ::close(dfd);
    if (rc != 0) return sys_error("cannot sync directory", dir, err);
    return std::nullopt;
}

ReadResult read_file(const std::string& path, size_t max_bytes) {
    ReadResult r;
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENOENT) return r;  // missing
        r.status = ReadResult::Status::error;
        r.error = sys_error("cannot open", path, errno);
        return r;
    }
    struct stat st{};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        r.status = ReadResult::Status::error;
        r.error = path + ": not a regular file";
        ::close(fd);
        return r;
    }
    if (static_cast<size_t>(st.st_size) > max_bytes) {
        r.status = ReadResult::Status::error;
        r.error = path + ": " + std::to_string(st.st_size) + " bytes, more than the " +
                  std::to_string(max_bytes) + " a state file may have";
        ::close(fd);
        return r;
    }
    std::string data;
    char buf[65536];
    for (;;) {
        ssize_t n = ::read(fd, buf, sizeof(buf));
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            r.status = ReadResult::Status::error;
            r.error = sys_error("cannot read", path, errno);
            ::close(fd);
            return r;
        }
        if (n == 0) break;
        data.append(buf, static_cast<size_t>(n));
        if (data.size() > max_bytes) break;
    }
    ::close(fd);
    r.status = ReadResult::Status::ok;
    r.data = std::move(data);
    return r;
}

std::optional<std::string> ensure_directory(const std::string& dir) {
    std::error_code ec;
    if (std::filesystem::is_directory(dir, ec)) return std::nullopt;  // the operator's: left as it is
    std::filesystem::create_directories(dir, ec);
    if (ec) return "cannot create " + dir + ": " + ec.message();
    // Only its owner reads what we create: it names the home addresses served.
    std::filesystem::permissions(dir, std::filesystem::perms::owner_all, std::filesystem::perm_options::replace, ec);
    return std::nullopt;
}

}  // namespace xmip::state
