// SPDX-License-Identifier: BSD-2-Clause
// A binding store that cannot be used (issue 14, bad input): corrupt, from
// a newer xmipd, another role's or program's, not writable, full. Each is
// an error that names the file and says what to do; none reads as empty.
#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sqlite3.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>

#include "state/codec.hpp"
#include "state/file.hpp"
#include "store/sqlite_store.hpp"
#include "store_fixture.hpp"

namespace xmip::store::test {
namespace {

using ::testing::HasSubstr;

class BadStoreTest : public StoreDir {
protected:
    // A store holding n bindings, closed (its WAL checkpointed into the file).
    void make_store(int n, const char* role = "ha") {
        SqliteStore s(dir, role);
        ASSERT_EQ(s.open(), std::nullopt);
        state::Changes c;
        for (int i = 0; i < n; i++) c.put.push_back(binding(i));
        ASSERT_EQ(s.commit(c), std::nullopt);
    }
    void sql(const std::string& statement) {
        sqlite3* h = nullptr;
        ASSERT_EQ(sqlite3_open(db().c_str(), &h), SQLITE_OK);
        EXPECT_EQ(sqlite3_exec(h, statement.c_str(), nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(h);
        sqlite3_close(h);
    }
    std::string open_error(const char* role = "ha") {
        SqliteStore s(dir, role);
        auto err = s.open();
        return err ? *err : std::string("(opened)");
    }
};

TEST_F(BadStoreTest, AFileThatIsNotADatabaseIsCorrupt) {
    std::ofstream(db()) << "this is not what xmipd wrote, and it is longer than a header..........................."
                           "............................................................................";
    auto err = open_error();
    EXPECT_THAT(err, HasSubstr(db()));
    EXPECT_THAT(err, HasSubstr("damaged"));
    EXPECT_THAT(err, HasSubstr("mv " + db() + " " + db() + ".bad"));
}

TEST_F(BadStoreTest, ADamagedPageIsFoundAtOpen) {
    make_store(3000);
    // Scribble over a page in the middle of the table's b-tree.
    auto size = std::filesystem::file_size(db());
    ASSERT_GT(size, 64u * 1024);
    int fd = ::open(db().c_str(), O_WRONLY);
    ASSERT_GE(fd, 0);
    std::string junk(4096, '\xa5');
    ASSERT_EQ(::pwrite(fd, junk.data(), junk.size(), static_cast<off_t>(size / 2 / 4096 * 4096)),
              static_cast<ssize_t>(junk.size()));
    ::close(fd);
    SqliteStore s(dir, "ha");
    auto err = s.open();
    std::string text = err ? *err : "";
    if (!err) {  // the header survived: then reading must find it
        auto snap = s.load();
        ASSERT_FALSE(snap) << "3000 bindings read from a damaged file";
        text = snap.error();
    }
    EXPECT_THAT(text, HasSubstr(db()));
    EXPECT_THAT(text, HasSubstr("damaged"));
}

TEST_F(BadStoreTest, ARowOutOfRangeIsNamed) {
    make_store(2);
    sql("UPDATE ha_binding SET seq = 70000");
    SqliteStore s(dir, "ha");
    ASSERT_EQ(s.open(), std::nullopt);
    auto snap = s.load();
    ASSERT_FALSE(snap);
    EXPECT_THAT(snap.error(), HasSubstr(db()));
    EXPECT_THAT(snap.error(), HasSubstr("seq: 70000 outside 0..65535"));
    EXPECT_THAT(snap.error(), HasSubstr("move it aside"));
}

TEST_F(BadStoreTest, AStoreFromANewerXmipdIsRefused) {
    make_store(2);
    sql("PRAGMA user_version = 2");
    auto err = open_error();
    EXPECT_THAT(err, HasSubstr(db()));
    EXPECT_THAT(err, HasSubstr("written by a newer xmipd (store version 2, this xmipd reads version 1)"));
    EXPECT_THAT(err, HasSubstr("run that xmipd"));
}

TEST_F(BadStoreTest, AnotherRolesStoreIsRefused) {
    make_store(1, "ha");
    auto err = open_error("mn");
    EXPECT_THAT(err, HasSubstr(db()));
    EXPECT_THAT(err, HasSubstr("\"ha\" instance, this is a \"mn\" one"));
    EXPECT_THAT(err, HasSubstr("paths.state_dir"));
}

TEST_F(BadStoreTest, AnotherProgramsDatabaseIsRefused) {
    sql("CREATE TABLE t(x)");
    auto err = open_error();
    EXPECT_THAT(err, HasSubstr(db()));
    EXPECT_THAT(err, HasSubstr("another program"));
}

TEST_F(BadStoreTest, ACorruptBindingsJsonIsNotMigratedAndNotIgnored) {
    std::ofstream(dir + "/bindings.json") << "{\"format\": \"xmip-state\", \"version\": 1, \"role\": \"ha\", \"bind";
    auto err = open_error();
    EXPECT_THAT(err, HasSubstr(dir + "/bindings.json"));
    EXPECT_THAT(err, HasSubstr("not JSON"));
    EXPECT_THAT(err, HasSubstr("move it aside"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/bindings.json")) << "left where it was";
}

TEST_F(BadStoreTest, ABindingsJsonFromANewerVersionIsRefused) {
    std::ofstream(dir + "/bindings.json")
        << R"({"format": "xmip-state", "version": 2, "role": "ha", "written_unix_ms": 1, "bindings": []})";
    auto err = open_error();
    EXPECT_THAT(err, HasSubstr(dir + "/bindings.json"));
    EXPECT_THAT(err, HasSubstr("format version 2"));
}

// Root ignores a directory's mode: a read-only file system (a bind mount
// remounted read-only in a mount namespace of a child process) is the real
// thing for it; without root, the mode is.
// Runs fn in a child with a private mount namespace; fn's exit status is
// the child's. -1: no namespace here (the reason is printed).
int in_mount_namespace(const std::function<int()>& fn) {
    pid_t pid = fork();
    if (pid == 0) {
        if (unshare(CLONE_NEWNS) != 0 || mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) _exit(77);
        _exit(fn());
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 99;
}

TEST_F(BadStoreTest, AReadOnlyStateDirectoryIsAnErrorThatSaysSo) {
    make_store(2);
    const std::string d = dir, path = db();
    auto check = [d, path] {
        SqliteStore s(d, "ha");
        auto err = s.open();
        if (!err) return 1;
        std::fprintf(stderr, "%s\n", err->c_str());
        if (err->find(path) == std::string::npos) return 2;
        if (err->find("writable") == std::string::npos) return 3;
        return 0;
    };
    if (geteuid() != 0) {
        ASSERT_EQ(::chmod(dir.c_str(), 0500), 0);
        ASSERT_EQ(::chmod(db().c_str(), 0400), 0);
        int rc = check();
        ::chmod(dir.c_str(), 0700);
        EXPECT_EQ(rc, 0);
        return;
    }
    int rc = in_mount_namespace([d, check] {
        if (mount(d.c_str(), d.c_str(), nullptr, MS_BIND, nullptr) != 0) return 77;
        if (mount(nullptr, d.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) return 77;
        return check();
    });
    if (rc == 77) GTEST_SKIP() << "no mount namespace here (CAP_SYS_ADMIN): cannot make a read-only file system";
    EXPECT_EQ(rc, 0);
}

TEST_F(BadStoreTest, AFullFileSystemFailsTheTransactionAndKeepsWhatWasCommitted) {
    const std::string d = dir, path = db();
    int rc = in_mount_namespace([d, path] {
        if (mount("tmpfs", d.c_str(), "tmpfs", 0, "size=256k,mode=0700") != 0) return 77;
        SqliteStore s(d, "ha");
        if (auto err = s.open()) {
            std::fprintf(stderr, "%s\n", err->c_str());
            return 1;
        }
        int committed = 0;
        std::optional<std::string> err;
        for (int batch = 0; batch < 1000 && !err; batch++) {
            state::Changes c;
            for (int i = 0; i < 100; i++) c.put.push_back(binding(batch * 100 + i));
            err = s.commit(c);
            if (!err) committed += 100;
        }
        if (!err) return 2;  // 100000 bindings in 256 KiB?
        std::fprintf(stderr, "%s\n", err->c_str());
        if (err->find(path) == std::string::npos || err->find("full") == std::string::npos) return 3;
        auto snap = s.load();  // the failed transaction left nothing, the others everything
        if (!snap || static_cast<int>(snap->bindings.size()) != committed || committed == 0) return 4;
        return 0;
    });
    if (rc == 77) GTEST_SKIP() << "no mount namespace here (CAP_SYS_ADMIN): cannot mount a small file system";
    EXPECT_EQ(rc, 0);
}

}  // namespace
}  // namespace xmip::store::test
