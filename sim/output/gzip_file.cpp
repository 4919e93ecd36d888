#include "sim/output/gzip_file.hpp"

#include <limits>
#include <stdexcept>

namespace clocksim::sim {
namespace {

// 15-bit window plus 16: a gzip wrapper rather than zlib's own. Level 6 is gzip's default: most
// of the gain of 9 at a third of its time on CSV of integers.
constexpr int kWindowBits = 15 + 16;
constexpr int kLevel = 6;
constexpr std::size_t kChunk = 1 << 16;

}  // namespace

GzipFile::GzipFile(std::unique_ptr<OutputFile> inner) : inner_(std::move(inner)) {
  if (deflateInit2(&stream_, kLevel, Z_DEFLATED, kWindowBits, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("gzip: cannot initialise the compressor");
  }
  out_.resize(kChunk);
}

GzipFile::~GzipFile() { deflateEnd(&stream_); }

void GzipFile::deflate_into_inner(std::string_view data, int flush) {
  // zlib takes at most UINT_MAX bytes per call.
  while (true) {
    const std::size_t take = std::min<std::size_t>(data.size(), std::numeric_limits<uInt>::max());
    stream_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
    stream_.avail_in = static_cast<uInt>(take);
    const int step_flush = take == data.size() ? flush : Z_NO_FLUSH;
    int rc = Z_OK;
    do {
      stream_.next_out = reinterpret_cast<Bytef*>(out_.data());
      stream_.avail_out = static_cast<uInt>(out_.size());
      rc = deflate(&stream_, step_flush);
      if (rc == Z_STREAM_ERROR) throw std::runtime_error("gzip: compressor error");
      const std::size_t produced = out_.size() - stream_.avail_out;
      if (produced > 0) inner_->write(std::string_view(out_.data(), produced));
    } while (stream_.avail_out == 0 || (step_flush == Z_FINISH && rc != Z_STREAM_END));
    data.remove_prefix(take);
    if (data.empty()) return;
  }
}

void GzipFile::write(std::string_view data) {
  if (finished_) throw std::logic_error("gzip: write after commit");
  if (!data.empty()) deflate_into_inner(data, Z_NO_FLUSH);
}

void GzipFile::commit() {
  if (finished_) return;
  deflate_into_inner(std::string_view(), Z_FINISH);
  finished_ = true;
  inner_->commit();
}

}  // namespace clocksim::sim
