// File: normalize/options.h
//
// NormalizerOptions: every operation of the display form, one switch each.
// The defaults are the project's conventions (docs/normalization.md); the
// peer conformance tool (quotematch-eval normalize) switches operations on
// and off to mirror what each peer function does. The match key does not
// depend on these options: it is always derived from the display form by
// the same folding.
#pragma once

namespace quotematch {

struct NormalizerOptions {
  enum class DigitStyle { kKeep, kPersian, kAscii, kArabicIndic };

  // NFKC: presentation forms, ligatures (ﷲ, ﷼), fullwidth and compatibility
  // characters become their ordinary letters. Default on.
  bool nfkc = true;
  // The display column of data/normalize/chars.tsv: Arabic ي ى ك and other
  // look-alikes → Persian letters, ة → ه, tatweel and invisible controls
  // removed. Default on.
  bool letters = true;
  // Remove harakat, tanween, shadda, sukun and superscript alef from the
  // display form (the key never has them). Default off: the display form
  // keeps what the author wrote.
  bool remove_diacritics = false;
  // Digits of Persian documents (outside Latin tokens, URLs, e-mail
  // addresses, mentions and hashtags). Default: Persian digits.
  DigitStyle persian_digits = DigitStyle::kPersian;
  // Digits of English documents. Default: unchanged.
  DigitStyle latin_digits = DigitStyle::kKeep;
  // Whitespace: runs of spaces become one space, one newline stays, two or
  // more become a paragraph break (two newlines), leading and trailing
  // whitespace is trimmed. Default on.
  bool spacing = true;
  // Persian word spacing: ZWNJ after می/نمی before verbs, before ها/های,
  // تر/ترین, ام/ات/اش/ایم/اید/اند/ای after silent ه, after بی, in bound
  // compounds and in the joins of data/normalize/; ZWNJ never after a
  // non-joining letter, never doubled, never at a word edge. Default on.
  bool zwnj = true;
  // Persian punctuation spacing: no space before . ، ؛ : ! ؟ » ) and one
  // after; none inside « » and ( ). Default on.
  bool punctuation_spacing = true;
  // In Persian context , ; ? become ، ؛ ؟ and % after a Persian number ٪.
  // Default on.
  bool persian_punctuation = true;
  // Ezafe after silent heh written with a separate ی (خانه ی، خانه‌ی) becomes
  // ۀ. Default on.
  bool ezafe_heh = true;
  // Runs of three or more of the same Arabic-script letter become two.
  // Default on.
  bool reduce_repeats = true;
  // Compute tokens, numeric values and dates. Default on.
  bool analyze = true;
};

}  // namespace quotematch
