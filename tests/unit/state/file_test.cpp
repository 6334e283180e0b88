// SPDX-License-Identifier: BSD-2-Clause
// The state file on disk: atomic replacement, no temp file left, clear
// errors for what cannot be read.
#include "state/file.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace xmip::state {
namespace {

class StateFile : public ::testing::Test {
protected:
    void SetUp() override {
        char tmpl[] = "/tmp/xmip-state-test.XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir_ = tmpl;
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string dir_;
};

TEST_F(StateFile, WriteReplacesAtomicallyAndLeavesNoTemp) {
    const std::string p = dir_ + "/bindings.json";
    ASSERT_FALSE(write_atomically(p, "first"));
    ASSERT_FALSE(write_atomically(p, "second, longer"));
    auto r = read_file(p);
    ASSERT_EQ(r.status, ReadResult::Status::ok) << r.error;
    EXPECT_EQ(r.data, "second, longer");
    EXPECT_FALSE(std::filesystem::exists(p + ".tmp"));
    struct stat st{};
    ASSERT_EQ(stat(p.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST_F(StateFile, ATempFileLeftByACrashDoesNotMatter) {
    const std::string p = dir_ + "/bindings.json";
    ASSERT_FALSE(write_atomically(p, "good"));
    std::ofstream(p + ".tmp") << "half writ";  // a crash in the middle of a write
    EXPECT_EQ(read_file(p).data, "good");
    ASSERT_FALSE(write_atomically(p, "next"));
    EXPECT_EQ(read_file(p).data, "next");
}

TEST_F(StateFile, MissingIsNotAnError) {
    auto r = read_file(dir_ + "/none.json");
    EXPECT_EQ(r.status, ReadResult::Status::missing);
}

TEST_F(StateFile, DirectoryOrOversizeIsAnError) {
    auto r = read_file(dir_);
    EXPECT_EQ(r.status, ReadResult::Status::error);
    EXPECT_NE(r.error.find("not a regular file"), std::string::npos);
    const std::string p = dir_ + "/big.json";
    ASSERT_FALSE(write_atomically(p, std::string(100, 'x')));
    auto big = read_file(p, 99);
    EXPECT_EQ(big.status, ReadResult::Status::error);
    EXPECT_NE(big.error.find("more than"), std::string::npos);
}

TEST_F(StateFile, WriteIntoAMissingDirectoryNamesIt) {
    auto err = write_atomically(dir_ + "/no/such/dir/bindings.json", "x");
    ASSERT_TRUE(err);
    EXPECT_NE(err->find("no/such/dir"), std::string::npos) << *err;
}

TEST_F(StateFile, EnsureDirectoryCreatesPrivateDirectories) {
    const std::string d = dir_ + "/a/b";
    ASSERT_FALSE(ensure_directory(d));
    struct stat st{};
    ASSERT_EQ(stat(d.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u);
    EXPECT_FALSE(ensure_directory(d));  // exists: fine
    std::ofstream(dir_ + "/file") << "x";
    EXPECT_TRUE(ensure_directory(dir_ + "/file/sub"));
}

}  // namespace
}  // namespace xmip::state
