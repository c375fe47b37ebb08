"""Names of places and organizations in pinyin, for the English consumer
page (`pypinyin`, which reads each character in its phrase's sound).

Names are written as Chinese place names are romanized (GB/T 16159, the
road signs' way): the proper part in one word, each generic part (县, 镇,
专业合作社 ...) a word of its own, capitalized, without tones:
酉阳县龙潭镇青山油茶专业合作社 -> "Youyang Xian Longtan Zhen Qingshan Youcha
Zhuanye Hezuoshe". pypinyin cuts no words, and a segmenter with a
dictionary (jieba) costs a worker tens of megabytes: the generic parts are
the short list below, the words this county's names are made of."""

import re
from functools import lru_cache

from pypinyin import Style, lazy_pinyin

# Generic parts, the longer first; each is written as these words.
GENERIC = {
    "专业合作社": "Zhuanye Hezuoshe", "合作社": "Hezuoshe", "股份有限公司": "Gufen Youxian Gongsi",
    "有限公司": "Youxian Gongsi", "公司": "Gongsi", "林业局": "Linyeju", "加工厂": "Jiagongchang",
    "育苗基地": "Yumiao Jidi", "基地": "Jidi", "苗圃": "Miaopu", "良种": "Liangzhong", "种植": "Zhongzhi",
    "山茶油": "Shanchayou", "油茶": "Youcha", "茶油": "Chayou", "街道": "Jiedao", "县": "Xian", "镇": "Zhen",
    "重庆": "Chongqing", "乡": "Xiang", "村": "Cun", "组": "Zu", "市": "Shi", "区": "Qu",
}
HAN = re.compile(r"[\u3400-\u9fff]")
PARTS = re.compile("(" + "|".join(sorted(GENERIC, key=len, reverse=True)) + ")")


@lru_cache(maxsize=4096)
def romanized(name: str) -> str:
    """`name` in pinyin ("" when it has no Chinese). A one-character
    administrative part right at the start is taken as part of the proper
    name (乡 of 乡村 is not a township)."""
    if not name or not HAN.search(name):
        return ""
    words = []
    proper = ""
    for part in PARTS.split(name):
        if not part:
            continue
        if part in GENERIC and (len(part) > 1 or proper):
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
