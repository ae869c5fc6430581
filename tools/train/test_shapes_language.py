#!/usr/bin/python3
# SPDX-License-Identifier: MIT
"""Checks of the shapes-world text rules and tokenizer writers: `python3 -m unittest
tools/train/test_shapes_language.py` (the tokenizer cases need transformers and tokenizers)."""
import os
import sys
import tempfile
import unittest
from types import SimpleNamespace

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hf_export  # noqa: E402
import shapes_language as sl  # noqa: E402
from shapes_render import render_scene  # noqa: E402


def obj(cls, color, x, y, side):
    return SimpleNamespace(cls=cls, color=color, bbox=(x, y, side, side), area=side * side)


def scene(*objects, size=100):
    return SimpleNamespace(image=SimpleNamespace(size=(size, size)), objects=list(objects))


class CaptionTest(unittest.TestCase):
    def test_largest_first_with_relation_size_and_article(self):
        s = scene(obj("square", "blue", 70, 10, 5), obj("circle", "red", 10, 10, 50),
                  obj("star", "orange", 10, 70, 20))
        # Areas over 100x100: circle 25 % -> large, star 4 % -> no size word, square 0.25 % -> small; the
        # star's centre is 45 px below and 15 px left of the circle's: the circle is "above" it.
        self.assertEqual(sl.caption(s), "a large red circle above an orange star and a small blue square")

    def test_every_caption_word_is_in_the_vocabulary(self):
        rng = np.random.default_rng(3)
        for _ in range(200):
            for w in sl.caption(render_scene(rng)).split():
                self.assertIn(w, sl.CAPTION_WORDS)


class QuestionTest(unittest.TestCase):
    def test_answers_follow_the_scene(self):
        s = scene(obj("circle", "red", 10, 40, 20), obj("square", "blue", 60, 40, 20),
                  obj("square", "red", 60, 80, 10))
        qa = {q: a for q, a, _ in sl.questions(s)}
        self.assertEqual(qa["how many squares?"], "2")
        self.assertEqual(qa["how many stars?"], "0")
        self.assertEqual(qa["how many red objects?"], "2")
        self.assertEqual(qa["what colour is the circle?"], "red")
        self.assertNotIn("what colour is the square?", qa)  # two squares: ambiguous
        self.assertEqual(qa["what shape is the blue object?"], "square")
        self.assertNotIn("what shape is the red object?", qa)
        self.assertEqual(qa["what is left of the circle?"], "nothing")

    def test_position_questions_skip_objects_near_a_diagonal(self):
        # The square sits diagonally below-right of the circle: neither "right of" nor "below" is asked.
        s = scene(obj("circle", "red", 10, 10, 20), obj("square", "blue", 50, 50, 20))
        asked = [q for q, _, t in sl.questions(s) if t == "position" and q.endswith("the circle?")]
        self.assertEqual(sorted(asked), ["what is above the circle?", "what is left of the circle?"])

    def test_every_question_and_answer_word_is_in_the_vocabulary(self):
        rng = np.random.default_rng(4)
        words = set(sl.QUESTION_WORDS + sl.ANSWER_WORDS)
        for _ in range(200):
            for q, a, t in sl.questions(render_scene(rng)):
                self.assertIn(t, sl.QUESTION_TYPES)
                self.assertIn(a, sl.ANSWER_WORDS)
                for w in q.replace("?", " ?").split():
                    self.assertIn(w, words)


class TokenizerTest(unittest.TestCase):
    def test_gpt2_vocabulary_keeps_every_word_whole(self):
        from transformers import GPT2Tokenizer
        with tempfile.TemporaryDirectory() as d:
            vocab = hf_export.write_gpt2_tokenizer(d, sl.CAPTION_WORDS, 32)
            tok = GPT2Tokenizer.from_pretrained(d)
            hf_export.check_word_tokens(tok, sl.CAPTION_WORDS)
            ids = tok("a large red circle left of an orange star")["input_ids"]
            self.assertEqual(len(ids), 9)
            self.assertEqual(vocab[hf_export.SPECIAL_GPT2], len(vocab) - 1)

    def test_check_word_tokens_refuses_a_split_word(self):
        from transformers import GPT2Tokenizer
        with tempfile.TemporaryDirectory() as d:
            hf_export.write_gpt2_tokenizer(d, ["red", "circle"], 32)
            tok = GPT2Tokenizer.from_pretrained(d)
            with self.assertRaises(RuntimeError):
                hf_export.check_word_tokens(tok, ["red", "circle", "square"])

    def test_bert_vocabulary_has_blip_tokens(self):
        from transformers import BertTokenizer
        words = sl.QUESTION_WORDS + sl.ANSWER_WORDS
        with tempfile.TemporaryDirectory() as d:
            ids = hf_export.write_bert_tokenizer(d, words, 20)
            tok = BertTokenizer.from_pretrained(d)
            hf_export.check_word_tokens(tok, words, strip_ids={ids["[CLS]"], ids["[SEP]"]})
            self.assertEqual(tok.convert_tokens_to_ids("[DEC]"), ids["[DEC]"])
            self.assertEqual(tok("how many stars?")["input_ids"],
                             [ids[w] for w in ("[CLS]", "how", "many", "stars", "?", "[SEP]")])


if __name__ == "__main__":
    unittest.main()
