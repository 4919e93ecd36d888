// An OutputFile that gzip-compresses what is written to it into another OutputFile: the option for
// traces of large runs (output.compress: gzip), which pandas and zcat read as they are.
//
// The bytes are a pure function of the data: the gzip header carries no name and a zero mtime,
// and deflate at a fixed level and window is deterministic for a given zlib. Like every output
// file it appears complete on commit() or not at all (the inner file is committed last).
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include <zlib.h>

#include "sim/output/output_folder.hpp"

namespace clocksim::sim {

class GzipFile final : public OutputFile {
 public:
  explicit GzipFile(std::unique_ptr<OutputFile> inner);
  ~GzipFile() override;
  GzipFile(const GzipFile&) = delete;
  GzipFile& operator=(const GzipFile&) = delete;

  void write(std::string_view data) override;
  void commit() override;

 private:
  void deflate_into_inner(std::string_view data, int flush);

  std::unique_ptr<OutputFile> inner_;
  z_stream stream_{};
  std::string out_;
  bool finished_ = false;
};

}  // namespace clocksim::sim
