"""Names of places and organizations in pinyin, for the English consumer
page (`pypinyin`, which reads each character in its phrase's sound).

Names are written as Chinese place names are romanized (GB/T 16159, the
road signs' way): the proper part in one word, each generic part (县, 镇,
专业合作社 ...) a word of its own, capitalized, without tones:
酉阳县龙潭镇青山油茶专业合作社 -> "Youyang Xian Longtan Zhen Qingshan Youcha
Zhuanye Hezuoshe". pypinyin cuts no words, and a segmenter with a
dictionary (jieba) costs a worker tens of megabytes: the generic parts are
the short list below, the words this county's names are made of."""

import os
import re
from functools import lru_cache

# pypinyin's dictionary of phrases (for the sound of a character in its
# word) costs each web worker about 50 MB; the single characters' table
# about 10. The names here are read without it, the few words whose sound
# differs from their characters' first reading being listed in PHRASES below
# (found by reading every name of the county data both ways). Set before
# pypinyin is first imported; nothing else in the app uses it.
os.environ.setdefault("PYPINYIN_NO_PHRASES", "1")
os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "1")

from pypinyin import Style, lazy_pinyin, load_phrases_dict  # noqa: E402  (after the settings above)

PHRASES = {
    "重庆": "chóng qìng", "长青": "cháng qīng", "长林": "cháng lín", "长岭": "cháng lǐng", "长坪": "cháng píng",
    "长寿": "cháng shòu", "长滩": "cháng tān", "长兴": "cháng xīng", "朝阳": "cháo yáng", "重阳": "chóng yáng",
}
load_phrases_dict({word: [[syllable] for syllable in sound.split()] for word, sound in PHRASES.items()})

# Generic parts, the longer first; each is written as these words.
GENERIC = {
    "专业合作社": "Zhuanye Hezuoshe", "合作社": "Hezuoshe", "股份有限公司": "Gufen Youxian Gongsi",
    "有限公司": "Youxian Gongsi", "公司": "Gongsi", "林业局": "Linyeju", "加工厂": "Jiagongchang",
    "育苗基地": "Yumiao Jidi", "基地": "Jidi", "苗圃": "Miaopu", "良种": "Liangzhong", "种植": "Zhongzhi",
    "山茶油": "Shanchayou", "油茶": "Youcha", "茶油": "Chayou", "街道": "Jiedao", "县": "Xian", "镇": "Zhen",
    "重庆市": "Chongqing Shi", "重庆": "Chongqing", "检验检测中心": "Jianyan Jiance Zhongxin",
    "监督检验站": "Jiandu Jianyanzhan", "中心": "Zhongxin", "林产品": "Linchanpin", "粮油": "Liangyou", "质量": "Zhiliang",
    "乡": "Xiang", "村": "Cun", "组": "Zu", "市": "Shi", "区": "Qu",
}
HAN = re.compile(r"[\u3400-\u9fff]")
PARTS = re.compile("(" + "|".join(sorted(GENERIC, key=len, reverse=True)) + ")")


@lru_cache(maxsize=4096)
def romanized(name: str) -> str:
    """`name` in pinyin ("" when it has no Chinese). A one-character
    generic part is one only after a proper part of two characters or more
    (酉阳县, but 涂市镇 is Tushi Zhen and 县林业局 Xian Linyeju)."""
    if not name or not HAN.search(name):
        return ""
    words = []
    proper = ""
    for part in PARTS.split(name):
        if not part:
            continue
        if part in GENERIC and (len(part) > 1 or len(proper) >= 2):
            if proper:
                words.append(spelled(proper))
                proper = ""
            words.append(GENERIC[part])
        else:
            proper += part
    if proper:
        words.append(spelled(proper))
    return " ".join(word for word in words if word)


def spelled(text: str) -> str:
    """One word: its syllables together, capitalized; what is not Chinese kept as it is."""
    pieces = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True, errors=lambda chars: list(chars))
    word = "".join(pieces).strip()
    return word[:1].upper() + word[1:]
