//! The store's behaviour, checked the same way on both implementations: the embedded SQLite
//! file and PostgreSQL/PostGIS (a private cluster started for the test). Reports with photos,
//! history, filters and paging; staff users, sessions and tokens; camera status; statistics
//! counts; layer versions; photos; and the change feed other servers follow.

#[path = "support/postgres.rs"]
mod postgres;
mod support;

use chrono::{DateTime, Duration, TimeZone, Utc};
use postgres::PgCluster;
use std::sync::Arc;
use tileserver::reports::{Contact, Photo, Status};
use tileserver::store::{
    ChangeKind, CountWindow, ListQuery, NewLayerVersion, NewReportRow, ReportChange, Role,
    StatusOutcome, StatusReport, Store, StoreError, StoreLocation,
};

fn at(day: u32, hour: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, day, hour, 0, 0).unwrap()
}

fn row(code: &str, category: &str, lon: f64, lat: f64, created: DateTime<Utc>) -> NewReportRow {
    NewReportRow {
        id: None,
        tracking_code: code.into(),
        category: category.into(),
        description: "Đèn đường hỏng trước số 12 Phú Riềng Đỏ".into(),
        lon,
        lat,
        address: Some("12 Phú Riềng Đỏ".into()),
        ward: Some("Tân Phú".into()),
        contact: Contact {
            name: Some("Nguyễn Văn A".into()),
            phone: Some("0912345678".into()),
            email: None,
        },
        status: Status::Submitted,
        source: "citizen".into(),
        created_at: created,
        photos: Vec::new(),
        actor: "Người dân".into(),
        client_key: None,
    }
}

/// Every behaviour, in order, on a fresh store; `open_again` opens a second instance on the
/// same data (another server).
fn behaves(store: &Store, open_again: &dyn Fn() -> Arc<Store>) {
    reports_round_trip(store);
    lists_filter_and_page(store);
    staff_changes_keep_history(store);
    seeding_keeps_ids_and_the_sequence(store);
    users_sessions_and_tokens(store);
    camera_status(store);
    counts(store);
    layer_versions(store);
    photos(store);
    change_feed(store, open_again);
    a_client_key_files_once(store);
}

fn reports_round_trip(store: &Store) {
    let mut new = row("DX-2026-AAAA01", "den_duong", 106.9, 11.53, at(20, 3));
    new.photos = vec![Photo {
        file: "0a1b.jpg".into(),
        width: 640,
        height: 480,
    }];
    let stored = store.insert_report(&new).expect("insert");
    assert!(stored.id > 0);
    assert_eq!(stored.tracking_code, "DX-2026-AAAA01");
    assert_eq!(
        stored.description, new.description,
        "Vietnamese text intact"
    );
    assert_eq!((stored.lon, stored.lat), (106.9, 11.53));
    assert_eq!(stored.contact, new.contact);
    assert_eq!(stored.status, Status::Submitted);
    assert_eq!(stored.created_at, at(20, 3));
    assert_eq!(stored.photos, new.photos);
    assert!(!stored.hidden);
    assert_eq!(store.report(stored.id).unwrap().as_ref(), Some(&stored));
    assert_eq!(
        store
            .report_by_code("DX-2026-AAAA01")
            .unwrap()
            .map(|r| r.id),
        Some(stored.id)
    );
    assert_eq!(store.report_by_code("DX-2026-NONE00").unwrap(), None);
    assert_eq!(store.report(9_999_999).unwrap(), None);
    let again = store.insert_report(&new);
    assert!(
        matches!(again, Err(StoreError::Conflict(_))),
        "a repeated tracking code is a conflict: {again:?}"
    );
    let history = store.history(stored.id).unwrap();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].action, "created");
    assert_eq!(history[0].actor, "Người dân");
    assert_eq!(history[0].status, Some(Status::Submitted));
}

fn lists_filter_and_page(store: &Store) {
    let a = store
        .insert_report(&row("DX-2026-LIST01", "rac_thai", 106.88, 11.52, at(21, 1)))
        .unwrap();
    let b = store
        .insert_report(&row("DX-2026-LIST02", "rac_thai", 106.95, 11.60, at(21, 2)))
        .unwrap();
    let ids = |q: ListQuery| -> Vec<i64> {
        store
            .reports(&q)
            .unwrap()
            .into_iter()
            .map(|r| r.id)
            .collect()
    };
    let all = ids(ListQuery::default());
    assert_eq!(all.len(), 3);
    assert!(all.windows(2).all(|w| w[0] > w[1]), "newest first");
    assert_eq!(
        ids(ListQuery {
            categories: vec!["rac_thai".into()],
            ..Default::default()
        }),
        vec![b.id, a.id]
    );
    assert_eq!(
        ids(ListQuery {
            bbox: Some([106.85, 11.50, 106.90, 11.55]),
            ..Default::default()
        })
        .len(),
        2,
        "the bbox holds the first report and list 01"
    );
    assert_eq!(
        ids(ListQuery {
            ids: vec![a.id],
            ..Default::default()
        }),
        vec![a.id]
    );
    assert_eq!(
        ids(ListQuery {
            before_id: Some(b.id),
            limit: Some(1),
            ..Default::default()
        }),
        vec![a.id]
    );
    assert_eq!(
        ids(ListQuery {
            since: Some(at(21, 2)),
            ..Default::default()
        }),
        vec![b.id]
    );
    assert_eq!(
        ids(ListQuery {
            until: Some(at(21, 1)),
            ..Default::default()
        })
        .len(),
        2
    );
    assert!(
        ids(ListQuery {
            statuses: vec![Status::Resolved],
            ..Default::default()
        })
        .is_empty()
    );
}

fn staff_changes_keep_history(store: &Store) {
    let r = store.report_by_code("DX-2026-LIST01").unwrap().unwrap();
    let user = store
        .create_user("van-hanh", "hash", Role::Operator)
        .unwrap();
    let change = ReportChange {
        status: Some(Status::InProgress),
        agency: Some("Công ty Điện lực".into()),
        expected_at: Some(at(25, 10)),
        public_note: Some("Đã chuyển đơn vị xử lý".into()),
        private_note: Some("Gọi lại cho người dân".into()),
        ..Default::default()
    };
    let changed = store
        .update_report(r.id, &change, user.id, "van-hanh", at(22, 8))
        .unwrap();
    assert_eq!(changed.status, Status::InProgress);
    assert_eq!(changed.agency.as_deref(), Some("Công ty Điện lực"));
    assert_eq!(changed.expected_at, Some(at(25, 10)));
    assert_eq!(changed.updated_at, at(22, 8));
    let history = store.history(r.id).unwrap();
    let actions: Vec<&str> = history.iter().map(|h| h.action.as_str()).collect();
    assert_eq!(actions, ["created", "status", "agency", "expected_date"]);
    assert_eq!(
        history[1].public_note.as_deref(),
        Some("Đã chuyển đơn vị xử lý")
    );
    assert_eq!(
        history[1].private_note.as_deref(),
        Some("Gọi lại cho người dân")
    );
    // Hidden: out of the map and of public lists, still there for staff.
    store
        .update_report(
            r.id,
            &ReportChange {
                hidden: Some(true),
                ..Default::default()
            },
            user.id,
            "van-hanh",
            at(22, 9),
        )
        .unwrap();
    let mut visible = Vec::new();
    let n = store
        .visit_report_points(&mut |p| visible.push((p.id, p.tracking_code.to_owned())))
        .unwrap();
    assert_eq!(n, 2);
    assert!(visible.iter().all(|(id, _)| *id != r.id));
    assert!(visible.windows(2).all(|w| w[0].0 < w[1].0), "id order");
    assert!(
        store
            .reports(&ListQuery::default())
            .unwrap()
            .iter()
            .all(|x| x.id != r.id)
    );
    assert!(
        store
            .reports(&ListQuery {
                include_hidden: true,
                ..Default::default()
            })
            .unwrap()
            .iter()
            .any(|x| x.id == r.id && x.hidden)
    );
}

fn seeding_keeps_ids_and_the_sequence(store: &Store) {
    let mut seeded = row("DX-2026-SEED01", "cay_xanh", 106.9, 11.54, at(1, 0));
    seeded.id = Some(5000);
    assert_eq!(store.insert_reports(&[seeded]).unwrap(), 1);
    assert_eq!(store.report(5000).unwrap().unwrap().category, "cay_xanh");
    let next = store
        .insert_report(&row("DX-2026-SEED02", "cay_xanh", 106.9, 11.54, at(2, 0)))
        .unwrap();
    assert!(
        next.id > 5000,
        "new ids come after seeded ones: {}",
        next.id
    );
    assert_eq!(store.report_count().unwrap(), 5);
}

fn users_sessions_and_tokens(store: &Store) {
    let planner = store
        .create_user("quy-hoach", "argon2-hash", Role::Planner)
        .unwrap();
    assert!(matches!(
        store.create_user("quy-hoach", "x", Role::Admin),
        Err(StoreError::Conflict(_))
    ));
    let (user, hash) = store.user_with_password("quy-hoach").unwrap().unwrap();
    assert_eq!(
        (user.clone(), hash.as_str()),
        (planner.clone(), "argon2-hash")
    );
    assert_eq!(store.user_with_password("không-có").unwrap(), None);
    store
        .create_session("live", planner.id, Utc::now() + Duration::hours(8))
        .unwrap();
    store
        .create_session("old", planner.id, Utc::now() - Duration::hours(1))
        .unwrap();
    assert_eq!(store.session_user("live").unwrap(), Some(planner.clone()));
    assert_eq!(store.session_user("old").unwrap(), None, "expired");
    store.delete_session("live").unwrap();
    assert_eq!(store.session_user("live").unwrap(), None);
    store
        .create_api_token("tok", planner.id, "Hệ thống 1022")
        .unwrap();
    assert_eq!(
        store.api_token_user("tok").unwrap(),
        Some((planner, "Hệ thống 1022".to_owned()))
    );
    assert_eq!(store.api_token_user("nope").unwrap(), None);
}

fn camera_status(store: &Store) {
    let report = |id, status: &str, hour| StatusReport {
        camera_id: id,
        status: status.into(),
        at: at(22, hour),
    };
    let out = store
        .report_camera_statuses(&[report(7, "offline", 8), report(9, "online", 8)], "nms")
        .unwrap();
    assert!(out.iter().all(|(o, _)| *o == StatusOutcome::Changed));
    let out = store
        .report_camera_statuses(&[report(7, "offline", 9)], "nms")
        .unwrap();
    assert_eq!(out[0].0, StatusOutcome::Unchanged);
    assert_eq!(out[0].1.since, at(22, 8), "offline since the first report");
    let out = store
        .report_camera_statuses(&[report(7, "online", 7)], "nms")
        .unwrap();
    assert_eq!(out[0].0, StatusOutcome::Stale);
    assert_eq!(out[0].1.status, "offline");
    let rows = store.camera_statuses().unwrap();
    assert_eq!(rows.len(), 2);
    assert_eq!(
        (
            rows[0].camera_id,
            rows[0].status.as_str(),
            rows[0].reported_at
        ),
        (7, "offline", at(22, 9))
    );
}

fn counts(store: &Store) {
    // Visible reports now: AAAA01 (20th), LIST02 (21st 02:00 UTC), SEED01 (1st), SEED02 (2nd).
    let window = CountWindow {
        from: at(20, 0),
        to: at(23, 0),
        // Việt Nam, UTC+7: 21st 02:00 UTC is the 21st 09:00 local; 20th 03:00 is 10:00 local.
        utc_offset_seconds: 7 * 3600,
        today_start: at(21, 0),
        week_start: at(16, 17),
    };
    let c = store.report_counts(&window).unwrap();
    assert_eq!(c.in_range, 2);
    assert_eq!(c.by_status.get("submitted"), Some(&2));
    assert_eq!(c.by_category.get("den_duong"), Some(&1));
    assert_eq!(c.by_category.get("rac_thai"), Some(&1));
    assert_eq!(c.by_day.get("2026-11-20"), Some(&1));
    assert_eq!(c.by_day.get("2026-11-21"), Some(&1));
    assert_eq!(c.positions.len(), 2);
    assert_eq!(c.today, 1);
    assert_eq!(c.open, 4);
    assert_eq!(c.in_progress, 0, "the report in progress is hidden");
    assert_eq!(c.resolved_this_week, 0);
}

fn layer_versions(store: &Store) {
    let new = NewLayerVersion {
        layer: "planning",
        imported_by: "cli:test",
        source_file: "quy_hoach.shp",
        source_format: "Shapefile",
        source_crs: "EPSG:9213",
        features: 2,
        repaired: 1,
        rejected: 0,
        geojson_gzip: b"gzip bytes",
    };
    assert!(store.active_layer_versions().unwrap().is_empty());
    assert_eq!(store.add_layer_version(&new, true, at(22, 1)).unwrap(), 1);
    assert_eq!(store.add_layer_version(&new, false, at(22, 2)).unwrap(), 2);
    assert_eq!(
        store.active_layer_versions().unwrap(),
        vec![("planning".to_owned(), 1)]
    );
    assert_eq!(
        store
            .activate_layer_version("planning", 2, "quy-hoach", at(22, 3))
            .unwrap(),
        Some(())
    );
    assert_eq!(
        store
            .activate_layer_version("planning", 9, "quy-hoach", at(22, 3))
            .unwrap(),
        None
    );
    let versions = store.layer_versions("planning").unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!((versions[0].version, versions[0].active), (2, true));
    assert_eq!((versions[1].version, versions[1].active), (1, false));
    assert_eq!(versions[1].imported_at, at(22, 1));
    assert_eq!(versions[1].source_crs, "EPSG:9213");
    assert_eq!(
        store.layer_version_features("planning", 1).unwrap(),
        Some(b"gzip bytes".to_vec())
    );
    assert_eq!(store.layer_version_features("planning", 3).unwrap(), None);
}

fn photos(store: &Store) {
    let jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 1, 2, 3];
    store.put_photo("00ff.jpg", &jpeg).unwrap();
    assert_eq!(store.photo("00ff.jpg").unwrap(), Some(jpeg));
    assert_eq!(store.photo("0abc.jpg").unwrap(), None);
    store.delete_photo("00ff.jpg").unwrap();
    assert_eq!(store.photo("00ff.jpg").unwrap(), None);
    assert!(
        store.put_photo("../citygis.sqlite", b"x").is_err(),
        "a name that is not ours is refused"
    );
}

fn change_feed(store: &Store, open_again: &dyn Fn() -> Arc<Store>) {
    let other = open_again();
    assert_ne!(store.origin(), other.origin());
    let start = other.latest_change().unwrap();
    assert_eq!(start, store.latest_change().unwrap());
    // Everything so far: 6 reports filed one by one, 2 staff changes, 3 camera changes (the
    // stale report changes nothing); seeding recorded nothing.
    let all = store.changes_since(0, 100).unwrap();
    let kinds = |kind| all.iter().filter(|c| c.kind == kind).count();
    assert_eq!(kinds(ChangeKind::ReportCreated), 4);
    assert_eq!(kinds(ChangeKind::ReportUpdated), 2);
    assert_eq!(kinds(ChangeKind::CameraStatus), 3);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq));

    let filed = other
        .insert_report(&row("DX-2026-FEED01", "ngap_nuoc", 106.9, 11.5, at(22, 10)))
        .unwrap();
    let seen = store.changes_since(start, 100).unwrap();
    assert_eq!(seen.len(), 1, "the other instance's change is visible here");
    assert_eq!(
        (seen[0].kind, seen[0].key, seen[0].origin.as_str()),
        (ChangeKind::ReportCreated, filed.id, other.origin())
    );
    assert_eq!(store.latest_change().unwrap(), seen[0].seq);
    assert_eq!(store.changes_since(0, 2).unwrap().len(), 2, "limit");
}

fn a_client_key_files_once(store: &Store) {
    let before = store.report_count().unwrap();
    let mut first = row("DX-2026-KEY001", "ngap_nuoc", 106.9, 11.5, at(22, 11));
    first.client_key = Some("9b2f6c1e-retry".into());
    let stored = store.insert_report(&first).unwrap();
    let mut again = row("DX-2026-KEY002", "ngap_nuoc", 106.9, 11.5, at(22, 12));
    again.client_key = first.client_key.clone();
    let answer = store.insert_report(&again).unwrap();
    assert_eq!(answer, stored, "the report stored the first time");
    assert_eq!(store.report_count().unwrap(), before + 1);
    assert_eq!(store.report_by_code("DX-2026-KEY002").unwrap(), None);
}

#[test]
fn sqlite_store_behaves() {
    let dir = tempfile::tempdir().unwrap();
    let location = StoreLocation::Sqlite(dir.path().to_owned());
    let store = Store::open(&location, false).unwrap();
    behaves(&*store, &|| Store::open(&location, false).unwrap());
}

#[test]
fn postgres_store_behaves() {
    let cluster = PgCluster::start();
    let url = cluster.create_database("citygis");
    let location = StoreLocation::Postgres(url);
    let refused = Store::open(&location, false)
        .err()
        .expect("not migrated yet");
    assert!(
        refused.to_string().contains("tileserver migrate"),
        "an empty database is refused with the fix: {refused}"
    );
    let store = Store::open(&location, true).unwrap();
    // Migrating again changes nothing.
    drop(Store::open(&location, true).unwrap());
    behaves(&*store, &|| Store::open(&location, false).unwrap());
    // An independent client sees PostGIS points and the GiST index.
    assert_eq!(
        cluster.sql(
            "citygis",
            "SELECT ST_AsText(geom) FROM reports WHERE tracking_code = 'DX-2026-AAAA01'"
        ),
        "POINT(106.9 11.53)"
    );
    assert!(
        cluster
            .sql(
                "citygis",
                "SELECT indexdef FROM pg_indexes WHERE indexname = 'reports_geom'"
            )
            .contains("USING gist (geom)")
    );
}
