// File: normalize/offset_map.h
//
// OffsetMap records where every byte of a rewritten string came from in its
// input, as a list of aligned segments. Each segment pairs an output range
// with an input range and is either a COPY (byte i of the output range is
// byte i of the input range) or a REPLACE (the whole output range came from
// the whole input range: a folded letter, an inserted ZWNJ, a deletion).
// Segments tile the output in order and their input ranges never go
// backwards, because every normalization pass is monotone.
//
//   OffsetMapBuilder b;
//   b.Copy(0, 5);            // "hello" copied
//   b.Replace(5, 2, 0);      // two input bytes deleted
//   b.Replace(7, 2, 3);      // two input bytes became three output bytes
//   OffsetMap m = b.Finish(/*input_size=*/9);
//   Span in = m.ToInput({0, 6});      // {0, 9}
//   OffsetMap whole = OffsetMap::Compose(first_pass, second_pass);
//
// Memory is proportional to the number of edits, not to the text length:
// unchanged stretches are one segment each.
#pragma once

#include <cstdint>
#include <vector>

#include "normalize/span.h"

namespace quotematch {

class OffsetMap {
 public:
  struct Segment {
    uint32_t out_begin, out_end;
    uint32_t in_begin, in_end;
    bool copy;
  };

  OffsetMap() = default;

  // The input bytes that output bytes `out` come from: from the source of the
  // first byte to the end of the source of the last. An empty span maps to
  // the empty span at the source of its position.
  Span ToInput(Span out) const;
  // The output bytes that come from input bytes `in` (empty when they were
  // deleted: the empty span where they would have been).
  Span ToOutput(Span in) const;

  // The map of `second ∘ first`: `first` maps a middle string to the
  // original, `second` maps the output to the middle string.
  static OffsetMap Compose(const OffsetMap& first, const OffsetMap& second);
  // The same into `*out`, reusing its storage (for scratch maps).
  static void ComposeInto(const OffsetMap& first, const OffsetMap& second, OffsetMap* out);
  // The identity map of a string of `size` bytes.
  static OffsetMap Identity(uint32_t size);

  const std::vector<Segment>& segments() const { return segments_; }
  uint32_t input_size() const { return input_size_; }
  uint32_t output_size() const { return output_size_; }

 private:
  friend class OffsetMapBuilder;
  size_t FindOut(uint32_t pos) const;  // segment holding output byte pos
  std::vector<Segment> segments_;
  uint32_t input_size_ = 0;
  uint32_t output_size_ = 0;
};

// Builds an OffsetMap while a pass appends to its output; calls must walk the
// input in order.
class OffsetMapBuilder {
 public:
  // `in_len` input bytes at `in_begin` copied unchanged.
  void Copy(uint32_t in_begin, uint32_t in_len);
  // `in_len` input bytes at `in_begin` became `out_len` output bytes.
  void Replace(uint32_t in_begin, uint32_t in_len, uint32_t out_len);
  uint32_t output_size() const { return out_; }
  OffsetMap Finish(uint32_t input_size);
  // Finish into `*out`, reusing its storage; the builder keeps its own, so
  // that a builder and map reused across calls allocate nothing.
  void FinishInto(uint32_t input_size, OffsetMap* out);

 private:
  std::vector<OffsetMap::Segment> segments_;
  uint32_t out_ = 0;
};

// Inline: the passes call these once per edit.
inline void OffsetMapBuilder::Copy(uint32_t in_begin, uint32_t in_len) {
  if (in_len == 0) return;
  if (!segments_.empty()) {
    OffsetMap::Segment& last = segments_.back();
    if (last.copy && last.in_end == in_begin && last.out_end == out_) {
      last.in_end += in_len;
      last.out_end += in_len;
      out_ += in_len;
      return;
    }
  }
  segments_.push_back({out_, out_ + in_len, in_begin, in_begin + in_len, true});
  out_ += in_len;
}

inline void OffsetMapBuilder::Replace(uint32_t in_begin, uint32_t in_len, uint32_t out_len) {
  if (in_len == 0 && out_len == 0) return;
  if (!segments_.empty()) {
    OffsetMap::Segment& last = segments_.back();
    // One input range expanding to several output characters, appended one
    // at a time: extend the segment.
    if (!last.copy && last.in_begin == in_begin && last.in_end == in_begin + in_len) {
      last.out_end += out_len;
      out_ += out_len;
      return;
    }
    // Consecutive deletions merge.
    if (!last.copy && out_len == 0 && last.out_begin == last.out_end && last.in_end == in_begin) {
      last.in_end += in_len;
      return;
    }
  }
  segments_.push_back({out_, out_ + out_len, in_begin, in_begin + in_len, false});
  out_ += out_len;
}

}  // namespace quotematch
