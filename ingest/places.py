"""Vietnamese province-level names, to tell a province the corpus covers from one it does not.

Both the 63 provinces before the 2025 merger and the 34 after it are listed, since questions use either.
"""

from __future__ import annotations

PROVINCES: tuple[str, ...] = (
    "An Giang", "Bà Rịa - Vũng Tàu", "Bạc Liêu", "Bắc Giang", "Bắc Kạn", "Bắc Ninh", "Bến Tre", "Bình Dương",
    "Bình Định", "Bình Phước", "Bình Thuận", "Cà Mau", "Cao Bằng", "Cần Thơ", "Đà Nẵng", "Đắk Lắk", "Đắk Nông",
    "Điện Biên", "Đồng Nai", "Đồng Tháp", "Gia Lai", "Hà Giang", "Hà Nam", "Hà Nội", "Hà Tĩnh", "Hải Dương",
    "Hải Phòng", "Hậu Giang", "Hòa Bình", "Hưng Yên", "Khánh Hòa", "Kiên Giang", "Kon Tum", "Lai Châu",
    "Lâm Đồng", "Lạng Sơn", "Lào Cai", "Long An", "Nam Định", "Nghệ An", "Ninh Bình", "Ninh Thuận", "Phú Thọ",
    "Phú Yên", "Quảng Bình", "Quảng Nam", "Quảng Ngãi", "Quảng Ninh", "Quảng Trị", "Sóc Trăng", "Sơn La",
    "Tây Ninh", "Thái Bình", "Thái Nguyên", "Thanh Hóa", "Thừa Thiên Huế", "Huế", "Tiền Giang",
    "Thành phố Hồ Chí Minh", "TP Hồ Chí Minh", "TP.HCM", "Hồ Chí Minh", "Trà Vinh", "Tuyên Quang", "Vĩnh Long",
    "Vĩnh Phúc", "Yên Bái",
)

# Spellings that differ only in tone-mark placement ("Hoà Bình") or the old y/i ("Thanh Hoá").
ALIASES: dict[str, str] = {
    "Hoà Bình": "Hòa Bình",
    "Thanh Hoá": "Thanh Hóa",
    "Khánh Hoà": "Khánh Hòa",
    "Thừa Thiên - Huế": "Thừa Thiên Huế",
    "TP.HCM": "Thành phố Hồ Chí Minh",
    "TP Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "Hồ Chí Minh": "Thành phố Hồ Chí Minh",
    "HCM": "Thành phố Hồ Chí Minh",
    "Sài Gòn": "Thành phố Hồ Chí Minh",
}


def canonical_province(name: str) -> str:
    return ALIASES.get(name, name)


# One spelling per province, for parsers that name a document's province.
CANONICAL_PROVINCES: tuple[str, ...] = tuple(dict.fromkeys(canonical_province(p) for p in PROVINCES))
