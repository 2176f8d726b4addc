//! Vietnamese first, English on a toggle: every string the UI shows is written in both, side by
//! side where it is used (`lang.t("…", "…")`); attribute names and known values are here.

/// The interface language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

impl Lang {
    /// The text in this language.
    pub fn t(self, vi: &'static str, en: &'static str) -> &'static str {
        match self {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// The other language.
    pub fn other(self) -> Lang {
        match self {
            Lang::Vi => Lang::En,
            Lang::En => Lang::Vi,
        }
    }

    /// BCP 47 code for `<html lang>`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }
}

/// A feature attribute's name in plain words; None for attributes not shown in popups.
pub fn attribute_label(lang: Lang, key: &str) -> Option<&'static str> {
    Some(match key {
        "name" => lang.t("Tên", "Name"),
        "full_name" => lang.t("Tên đầy đủ", "Full name"),
        "code" => lang.t("Mã", "Code"),
        "kind" => lang.t("Loại", "Kind"),
        "site" => lang.t("Vị trí lắp đặt", "Site"),
        "ward" => lang.t("Phường, xã", "Ward"),
        "status" => lang.t("Trạng thái", "Status"),
        "installed_year" => lang.t("Năm lắp đặt", "Installed"),
        "venue" => lang.t("Địa điểm", "Venue"),
        "event" => lang.t("Sự kiện", "Event"),
        "sessions" => lang.t("Lượt truy cập", "Sessions"),
        "sessions_period" => lang.t("Thời gian thống kê", "Period"),
        "class" => lang.t("Cấp đường", "Road class"),
        "ref" => lang.t("Số hiệu", "Ref"),
        "zone" => lang.t("Ô quy hoạch", "Zone"),
        "land_use" => lang.t("Mã đất", "Land-use code"),
        "land_use_name" => lang.t("Loại đất", "Land use"),
        "max_floors" => lang.t("Tầng cao tối đa", "Max floors"),
        "density_pct" => lang.t("Mật độ xây dựng (%)", "Building density (%)"),
        "area_m2" => lang.t("Diện tích (m²)", "Area (m²)"),
        "plan_name" => lang.t("Đồ án quy hoạch", "Plan"),
        "decision_no" => lang.t("Quyết định phê duyệt", "Approval decision"),
        "approved_on" => lang.t("Ngày phê duyệt", "Approved on"),
        "tracking_code" => lang.t("Mã tra cứu", "Tracking code"),
        "category" => lang.t("Lĩnh vực", "Category"),
        "created_at" => lang.t("Thời gian gửi", "Filed at"),
        "position" => lang.t("Vị trí", "Position"),
        "source" => lang.t("Nguồn dữ liệu", "Source"),
        _ => return None,
    })
}

/// Words for values the legend does not name (camera status, position quality, wards' kinds).
pub fn value_label(lang: Lang, key: &str, value: &str) -> Option<&'static str> {
    Some(match (key, value) {
        ("status", "online") => lang.t("Đang hoạt động", "Online"),
        ("status", "offline") => lang.t("Mất kết nối", "Offline"),
        ("status", "maintenance") => lang.t("Đang bảo trì", "Maintenance"),
        ("status", "submitted") => lang.t("Mới gửi", "Submitted"),
        ("status", "received") => lang.t("Đã tiếp nhận", "Received"),
        ("status", "in_progress") => lang.t("Đang xử lý", "In progress"),
        ("status", "resolved") => lang.t("Đã giải quyết", "Resolved"),
        ("status", "rejected") => lang.t("Từ chối", "Rejected"),
        ("status", "duplicate") => lang.t("Trùng lặp", "Duplicate"),
        ("kind", "smart") => lang.t("Camera thông minh", "Smart camera"),
        ("kind", "ptz") => lang.t("Camera PTZ trên cao", "High-mounted PTZ camera"),
        ("kind", "socialized") => lang.t("Camera xã hội hóa", "Privately funded camera"),
        ("kind", "resident") => lang.t("Camera người dân chia sẻ", "Resident-shared camera"),
        ("kind", "fixed") => lang.t("Điểm cố định", "Fixed point"),
        ("kind", "temporary") => lang.t("Điểm tạm thời", "Temporary point"),
        ("kind", "ward") => lang.t("Phường", "Ward"),
        ("kind", "commune") => lang.t("Xã", "Commune"),
        ("class", "national") => lang.t("Quốc lộ", "National road"),
        ("class", "provincial") => lang.t("Đường tỉnh", "Provincial road"),
        ("class", "main") => lang.t("Đường chính", "Main street"),
        ("class", "local") => lang.t("Đường nội thị", "Local street"),
        ("site", "intersection") => lang.t("Nút giao thông", "Intersection"),
        ("site", "market") => lang.t("Chợ", "Market"),
        ("site", "public_place") => lang.t("Nơi công cộng", "Public place"),
        ("site", "road") => lang.t("Dọc tuyến đường", "Along a road"),
        ("position", "approximate") => {
            lang.t("Gần đúng (dữ liệu minh họa)", "Approximate (demo data)")
        }
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages() {
        assert_eq!(Lang::Vi.t("Lớp", "Layers"), "Lớp");
        assert_eq!(Lang::Vi.other().t("Lớp", "Layers"), "Layers");
        assert_eq!(attribute_label(Lang::Vi, "land_use_name"), Some("Loại đất"));
        assert_eq!(value_label(Lang::En, "status", "offline"), Some("Offline"));
        assert_eq!(attribute_label(Lang::Vi, "stream_url"), None);
    }
}
