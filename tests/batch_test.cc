// Batch alignment: output order and content, shards, manifest and row
// errors, path confinement, checkpoints and resumption.
#include "batch/batch.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/file.h"
#include "base/strings.h"

namespace quotematch {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const Engine& SharedEngine() {
  static const Engine* engine = new Engine();
  return *engine;
}

std::string Read(const std::string& path) {
  std::string s;
  ReadFileToString(path, &s);
  return s;
}

std::vector<std::string> Lines(const std::string& path) {
  const std::string text = Read(path);
  std::vector<std::string> out;
  for (std::string_view l : Split(text, '\n', true)) out.emplace_back(l);
  return out;
}

// A work directory with our sample articles under docs/ and a manifest.
class BatchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / StrCat("qm_batch_test_", getpid(), "_", ++counter_);
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "docs");
    const fs::path examples = fs::path(QM_SOURCE_DIR) / "examples";
    for (const char* name : {"border_talks.en.txt", "border_talks.fa.txt"}) fs::copy(examples / name, dir_ / "docs" / name);
    for (const auto& e : fs::directory_iterator(examples / "extract")) {
      if (e.path().extension() == ".txt") fs::copy(e.path(), dir_ / "docs" / e.path().filename());
    }
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Rows pairing the sample articles in turn (every English one with every
  // Persian one), `n` of them.
  std::vector<std::string> SampleRows(int n) {
    std::vector<std::string> en, fa;
    for (const auto& e : fs::directory_iterator(dir_ / "docs")) {
      const std::string name = e.path().filename().string();
      (EndsWith(name, ".en.txt") ? en : fa).push_back(StrCat("docs/", name));
    }
    std::sort(en.begin(), en.end());
    std::sort(fa.begin(), fa.end());
    std::vector<std::string> rows;
    for (int i = 0; i < n; ++i) {
      // Even rows are the sample pair (six matches), odd ones mostly
      // articles on different stories.
      const std::string e = i % 2 == 0 ? "docs/border_talks.en.txt" : en[i % en.size()];
      const std::string f = i % 2 == 0 ? "docs/border_talks.fa.txt" : fa[(i / en.size()) % fa.size()];
      rows.push_back(StrCat(R"({"id":"row)", i, R"(","english":{"path":")", e, R"("},"persian":{"path":")", f,
                            R"(","source":"IRNA"}})"));
    }
    return rows;
  }

  std::string WriteManifest(const std::vector<std::string>& rows, const std::string& name = "manifest.jsonl") {
    const std::string path = (dir_ / name).string();
    std::ofstream(path) << StrJoin(rows, "\n") << "\n";
    return path;
  }

  BatchOptions Options(const std::string& manifest, const std::string& out, int threads = 1) {
    BatchOptions o;
    o.manifest = manifest;
    o.out_dir = (dir_ / out).string();
    o.threads = threads;
    return o;
  }

  fs::path dir_;
  static inline int counter_ = 0;
};

TEST_F(BatchTest, OutputIsInManifestOrderWhateverTheThreads) {
  const std::string manifest = WriteManifest(SampleRows(40));
  auto one = RunBatch(SharedEngine(), Options(manifest, "one", 1));
  auto three = RunBatch(SharedEngine(), Options(manifest, "three", 3));
  ASSERT_TRUE(one.ok()) << one.status();
  ASSERT_TRUE(three.ok()) << three.status();
  EXPECT_EQ(one->rows, 40);
  EXPECT_EQ(one->rows_done, 40);
  EXPECT_EQ(one->rows_failed, 0);
  EXPECT_GE(one->pairs, 6 * 20);
  EXPECT_EQ(one->pairs, three->pairs);
  const std::string pairs = Read((dir_ / "one/pairs.jsonl").string());
  EXPECT_EQ(pairs, Read((dir_ / "three/pairs.jsonl").string()));
  EXPECT_EQ(Read((dir_ / "one/errors.jsonl").string()), "");
  // Rows appear in manifest order, each line naming its row.
  int last = -1;
  for (const std::string& line : Lines((dir_ / "one/pairs.jsonl").string())) {
    ASSERT_TRUE(StartsWith(line, R"({"rowId":"row)")) << line;
    const int row = std::stoi(line.substr(13));
    EXPECT_GE(row, last);
    last = row;
    EXPECT_THAT(line, HasSubstr(R"("pair":{"english":)"));
  }
  EXPECT_GE(last, 38);
}

TEST_F(BatchTest, ShardsSplitTheRowsAndTogetherGiveTheWholeOutput) {
  const std::string manifest = WriteManifest(SampleRows(25));
  ASSERT_TRUE(RunBatch(SharedEngine(), Options(manifest, "all")).ok());
  std::vector<std::string> sharded;
  int64_t rows = 0;
  for (int i = 0; i < 3; ++i) {
    BatchOptions o = Options(manifest, "shards", 2);
    o.shard_index = i;
    o.shard_count = 3;
    auto stats = RunBatch(SharedEngine(), o);
    ASSERT_TRUE(stats.ok()) << stats.status();
    rows += stats->rows;
    EXPECT_EQ(stats->rows, i == 0 ? 9 : 8);
    const BatchFiles files = BatchFileNames(o);
    EXPECT_THAT(files.pairs, HasSubstr(StrCat("shard-0000", i, "-of-00003.pairs.jsonl")));
    for (const std::string& l : Lines(files.pairs)) {
      const int row = std::stoi(l.substr(13));
      EXPECT_EQ(row % 3, i) << l;
      sharded.push_back(l);
    }
  }
  EXPECT_EQ(rows, 25);
  std::vector<std::string> all = Lines((dir_ / "all/pairs.jsonl").string());
  std::sort(all.begin(), all.end());
  std::sort(sharded.begin(), sharded.end());
  EXPECT_EQ(all, sharded);
}

TEST_F(BatchTest, BadManifestLinesFailTheJobBeforeAnyWork) {
  std::vector<std::string> rows = SampleRows(3);
  rows.insert(rows.begin() + 1, "{not json");
  rows.push_back(R"({"english":{"text":"x"},"persian":{"text":"y"}})");
  rows.push_back(R"({"id":"row0","english":{"text":"x"},"persian":{"text":"y"}})");
  rows.push_back(R"({"id":"z","colour":"red"})");
  const std::string manifest = WriteManifest(rows);
  auto stats = RunBatch(SharedEngine(), Options(manifest, "out"));
  ASSERT_EQ(stats.status().code(), absl::StatusCode::kInvalidArgument);
  const std::string m(AsStd(stats.status().message()));
  EXPECT_THAT(m, HasSubstr("manifest.jsonl:2: not a BatchRow"));
  EXPECT_THAT(m, HasSubstr("manifest.jsonl:5: id: required"));
  EXPECT_THAT(m, HasSubstr("manifest.jsonl:6: id: 'row0' repeats line 1"));
  EXPECT_THAT(m, HasSubstr("manifest.jsonl:7: not a BatchRow"));
  EXPECT_FALSE(fs::exists(dir_ / "out"));

  auto missing = RunBatch(SharedEngine(), Options((dir_ / "nope.jsonl").string(), "out"));
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(AsStd(missing.status().message())), HasSubstr("manifest: cannot open"));
}

TEST_F(BatchTest, RowErrorsGoToTheErrorsFileAndTheOtherRowsGoOn) {
  fs::create_directories(dir_ / "outside");
  std::ofstream(dir_ / "outside/secret.txt") << "He said \"the secret\".";
  fs::create_directories(dir_ / "base");
  fs::copy(dir_ / "docs", dir_ / "base/docs");
  fs::create_symlink(dir_ / "outside", dir_ / "base/docs/link");
  fs::create_symlink("../docs/border_talks.en.txt", dir_ / "base/docs/inside.en.txt");
  std::ofstream(dir_ / "base/docs/huge.txt") << std::string((1 << 20) + 1, 'a');
  const std::string fa = R"("persian":{"path":"docs/border_talks.fa.txt"})";
  std::vector<std::string> rows = {
      StrCat(R"({"id":"ok","english":{"path":"docs/border_talks.en.txt"},)", fa, "}"),
      StrCat(R"({"id":"dotdot","english":{"path":"../outside/secret.txt"},)", fa, "}"),
      StrCat(R"({"id":"absolute","english":{"path":")", (dir_ / "outside/secret.txt").string(), R"("},)", fa, "}"),
      StrCat(R"({"id":"symlink","english":{"path":"docs/link/secret.txt"},)", fa, "}"),
      StrCat(R"({"id":"missing","english":{"path":"docs/none.txt"},)", fa, "}"),
      StrCat(R"({"id":"huge","english":{"path":"docs/huge.txt"},)", fa, "}"),
      R"({"id":"no_persian","english":{"text":"He said \"yes\"."}})",
      StrCat(R"({"id":"empty","english":{},)", fa, "}"),
      StrCat(R"({"id":"inline","english":{"text":"The minister said \"talks will resume\"."},)", fa, "}"),
      StrCat(R"({"id":"inner_link","english":{"path":"docs/inside.en.txt"},)", fa, "}"),
  };
  const std::string manifest = WriteManifest(rows);
  BatchOptions o = Options(manifest, "out");
  o.base_dir = (dir_ / "base").string();
  auto stats = RunBatch(SharedEngine(), o);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->rows, 10);
  EXPECT_EQ(stats->rows_done, 10);
  EXPECT_EQ(stats->rows_failed, 7);
  const std::vector<std::string> errors = Lines((dir_ / "out/errors.jsonl").string());
  ASSERT_EQ(errors.size(), 7u);
  auto expect = [&](size_t i, const std::string& id, int line, int code, const std::string& field,
                    const std::string& text) {
    EXPECT_THAT(errors[i], HasSubstr(StrCat(R"({"rowId":")", id, R"(","line":)", line, R"(,"code":)", code,
                                            R"(,"field":")", field, R"(")")));
    EXPECT_THAT(errors[i], HasSubstr(text));
  };
  expect(0, "dotdot", 2, 3, "english.path", "leads outside the base directory");
  expect(1, "absolute", 3, 3, "english.path", "leads outside the base directory");
  expect(2, "symlink", 4, 3, "english.path", "leads outside the base directory");
  expect(3, "missing", 5, 5, "english.path", "does not exist");
  expect(4, "huge", 6, 8, "english.path", "the limit is 1048576");
  expect(5, "no_persian", 7, 3, "persian", "required");
  expect(6, "empty", 8, 3, "english", "a path or a text is required");
  const std::string pairs = Read((dir_ / "out/pairs.jsonl").string());
  EXPECT_EQ(pairs.find("secret"), std::string::npos);
  EXPECT_THAT(pairs, HasSubstr(R"({"rowId":"ok",)"));
  EXPECT_THAT(pairs, HasSubstr(R"({"rowId":"inner_link",)"));
}

TEST_F(BatchTest, ExistingOutputNeedsResumeAndAMatchingCheckpoint) {
  const std::string manifest = WriteManifest(SampleRows(6));
  ASSERT_TRUE(RunBatch(SharedEngine(), Options(manifest, "out")).ok());
  const std::string first = Read((dir_ / "out/pairs.jsonl").string());

  auto again = RunBatch(SharedEngine(), Options(manifest, "out"));
  EXPECT_EQ(again.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(AsStd(again.status().message())), HasSubstr("pass --resume"));
  EXPECT_EQ(Read((dir_ / "out/pairs.jsonl").string()), first);

  // A finished job resumed does nothing.
  BatchOptions o = Options(manifest, "out");
  o.resume = true;
  auto done = RunBatch(SharedEngine(), o);
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->rows_resumed, 6);
  EXPECT_EQ(Read((dir_ / "out/pairs.jsonl").string()), first);

  o.min_score = 0.7;
  EXPECT_EQ(RunBatch(SharedEngine(), o).status().code(), absl::StatusCode::kFailedPrecondition);
  o.min_score = 0;
  std::vector<std::string> changed = SampleRows(6);
  changed[2] = R"({"id":"other","english":{"text":"a"},"persian":{"text":"b"}})";
  WriteManifest(changed);
  auto other = RunBatch(SharedEngine(), o);
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(AsStd(other.status().message())), HasSubstr("another manifest"));
}

TEST_F(BatchTest, StoppedRunResumesToTheSameOutput) {
  const std::string manifest = WriteManifest(SampleRows(60));
  ASSERT_TRUE(RunBatch(SharedEngine(), Options(manifest, "whole", 2)).ok());

  std::atomic<bool> stop{false};
  BatchOptions o = Options(manifest, "stopped", 2);
  o.stop = &stop;
  o.checkpoint_seconds = 0.001;
  auto first = RunBatch(SharedEngine(), o, [&](const BatchStats& s, bool) {
    if (s.rows_done >= 10) stop = true;
  }, 0.001);
  ASSERT_EQ(first.status().code(), absl::StatusCode::kCancelled) << first.status();
  const std::string checkpoint = Read((dir_ / "stopped/checkpoint.json").string());
  EXPECT_THAT(checkpoint, HasSubstr(R"("rows":60)"));
  EXPECT_EQ(checkpoint.find(R"("rows_done":60)"), std::string::npos) << checkpoint;

  stop = false;
  o.resume = true;
  auto second = RunBatch(SharedEngine(), o);
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_GE(second->rows_resumed, 10);
  EXPECT_LT(second->rows_resumed, 60);
  EXPECT_EQ(Read((dir_ / "stopped/pairs.jsonl").string()), Read((dir_ / "whole/pairs.jsonl").string()));
}

TEST_F(BatchTest, BytesPastTheCheckpointAreDiscardedOnResume) {
  const std::string manifest = WriteManifest(SampleRows(12));
  ASSERT_TRUE(RunBatch(SharedEngine(), Options(manifest, "whole")).ok());
  // A crash after rows were written but before the checkpoint that covers
  // them: the checkpoint says 4 rows; the files hold more, and a torn line.
  std::atomic<bool> stop{false};
  BatchOptions o = Options(manifest, "crashed");
  o.stop = &stop;
  auto first = RunBatch(SharedEngine(), o, [&](const BatchStats& s, bool) {
    if (s.rows_done >= 4) stop = true;
  }, 0.001);
  ASSERT_EQ(first.status().code(), absl::StatusCode::kCancelled);
  std::ofstream(dir_ / "crashed/pairs.jsonl", std::ios::app) << R"({"rowId":"row4","pair":{"engl)";
  std::ofstream(dir_ / "crashed/errors.jsonl", std::ios::app) << "torn";
  o.resume = true;
  stop = false;
  ASSERT_TRUE(RunBatch(SharedEngine(), o).ok());
  EXPECT_EQ(Read((dir_ / "crashed/pairs.jsonl").string()), Read((dir_ / "whole/pairs.jsonl").string()));
  EXPECT_EQ(Read((dir_ / "crashed/errors.jsonl").string()), "");

  // A file shorter than its checkpoint was changed behind our back.
  fs::resize_file(dir_ / "crashed/pairs.jsonl", 10);
  EXPECT_EQ(RunBatch(SharedEngine(), o).status().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(BatchTest, OptionsAreValidated) {
  const std::string manifest = WriteManifest(SampleRows(1));
  BatchOptions o = Options(manifest, "out");
  o.shard_index = 3;
  o.shard_count = 3;
  EXPECT_EQ(RunBatch(SharedEngine(), o).status().code(), absl::StatusCode::kInvalidArgument);
  o = Options(manifest, "out", 0);
  EXPECT_EQ(RunBatch(SharedEngine(), o).status().code(), absl::StatusCode::kInvalidArgument);
  o = Options(manifest, "out");
  o.base_dir = (dir_ / "no_such_dir").string();
  EXPECT_THAT(std::string(AsStd(RunBatch(SharedEngine(), o).status().message())), HasSubstr("base_dir"));
}

}  // namespace
}  // namespace quotematch
