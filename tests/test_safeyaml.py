import pytest

from build_tools.records.safeyaml import YamlError, load_bytes


def test_lines_are_tracked_per_field():
    parsed = load_bytes("name: 示例\ncontacts:\n  - name: 李\n    phone: '138'\n".encode())
    assert parsed.data == {"name": "示例", "contacts": [{"name": "李", "phone": "138"}]}
    assert parsed.lines["/contacts/0/phone"] == 4
    assert parsed.lines["/name"] == 1


def test_dates_stay_text():
    assert load_bytes(b"d: 2023-06-30\n").data == {"d": "2023-06-30"}


def test_bom_is_accepted():
    assert load_bytes("\ufeffa: 1\n".encode()).data == {"a": 1}


@pytest.mark.parametrize("raw, needle, line", [
    (b"a: &x [1, 2]\nb: *x\n", "锚点", 1),
    (b"a: 1\nb: 2\na: 3\n", "重复", 3),
    ("名称: 天津示例".encode("gbk"), "UTF-8", 1),
    (b"a: [1, 2\nb: 3\n", "语法", 2),
    (b"a:\n  <<: {b: 1}\n", "合并", 2),
    (b"", "为空", 0),
])
def test_rejects_with_line(raw, needle, line):
    with pytest.raises(YamlError) as exc:
        load_bytes(raw)
    assert needle in exc.value.message
    assert exc.value.line == line


def test_yaml_bomb_is_refused_before_expansion():
    bomb = b"a: &a [x, x, x, x, x, x, x, x, x]\n" + b"".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n".encode() for i in range(8))
    with pytest.raises(YamlError) as exc:
        load_bytes(bomb)
    assert "锚点" in exc.value.message


def test_size_limit():
    with pytest.raises(YamlError) as exc:
        load_bytes(b"a: " + b"x" * 300_000 + b"\n")
    assert "过大" in exc.value.message


def test_python_tags_are_not_constructed():
    with pytest.raises(YamlError) as exc:
        load_bytes(b"a: !!python/object/apply:os.system ['echo pwned']\n")
    assert "标签" in exc.value.message


SCALARS = ["", "~", "null", "Null", "NULL", "nil", "yes", "No", "on", "OFF", "true", "False", "y", "n", "0", "-0",
           "+12", "0x1F", "0o17", "017", "1_000", "190:20:30", "1.5", "-.5", "+.inf", ".NaN", "1e3", "6.8523015e+5",
           "2024-01-02", "2024-1-2", "2001-12-14t21:59:43.10-05:00", "2024-01-02 10:00:00", "<<", "=", "abc",
           "-", "--", ".", "1.2.3", "0b101", "12:30", "文字", " 1", "1 "]


@pytest.mark.parametrize("value", SCALARS)
def test_fast_tag_resolution_matches_pyyaml(value):
    from yaml.nodes import MappingNode, ScalarNode, SequenceNode

    from build_tools.records import safeyaml
    fast, general = safeyaml._FastLoader(""), safeyaml._Loader("")
    for implicit in ((True, False), (False, True), (False, False)):
        assert fast.resolve(ScalarNode, value, implicit) == general.resolve(ScalarNode, value, implicit)
    for kind in (MappingNode, SequenceNode):
        assert fast.resolve(kind, None, True) == general.resolve(kind, None, True)
    fast.dispose(), general.dispose()
