from bot.language.vocabulary import build, is_noise, vocabulary


def test_typed_noise_is_noise_and_words_are_not():
    assert is_noise("blubb xyz")
    assert is_noise("qwertz asdf")
    assert not is_noise("wer hat gestern im fussball gewonnen")
    assert not is_noise("erzähl mir einen witz")
    assert not is_noise("ok")
    assert not is_noise("xyz 12345")  # a digit: maybe a number


def test_the_noise_examples_of_out_of_scope_are_not_vocabulary():
    assert "qwertz" not in vocabulary() and "termin" in vocabulary()


def test_without_files_nothing_is_noise(tmp_path):
    known = build(tmp_path, tmp_path)
    assert known == frozenset() and not is_noise("blubb", known)
