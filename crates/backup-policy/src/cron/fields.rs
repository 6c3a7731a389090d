//! The bounds and names of the six cron fields.

const MONTH_NAMES: [&str; 12] = [
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const DAY_NAMES: [&str; 7] = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// Bounds and names of one cron field.
pub(super) struct Field {
    pub(super) name: &'static str,
    pub(super) min: u16,
    pub(super) max: u16,
    pub(super) names: &'static [&'static str],
}

pub(super) const MINUTES: Field = Field {
    name: "minutes",
    min: 0,
    max: 59,
    names: &[],
};
pub(super) const HOURS: Field = Field {
    name: "hours",
    min: 0,
    max: 23,
    names: &[],
};
pub(super) const DAY_OF_MONTH: Field = Field {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
};
pub(super) const MONTH: Field = Field {
    name: "month",
    min: 1,
    max: 12,
    names: &MONTH_NAMES,
};
pub(super) const DAY_OF_WEEK: Field = Field {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: &DAY_NAMES,
};
pub(super) const YEAR: Field = Field {
    name: "year",
    min: 1970,
    max: 2199,
    names: &[],
};
