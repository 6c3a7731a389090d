//! A reader of a list resource's stream, as Terraform's `query` is: it keeps what the list sends
//! and can stop reading early (as when the stream is cancelled).

use std::sync::{Arc, Mutex};

use tfplugin::framework::{ListEvent, ListResults, Listed};

/// Objects found and diagnostics' summaries, in the order the list sent them.
type Received = (Vec<Listed>, Vec<String>);

/// Keeps what a list sends through the [`ListResults`] it hands out.
pub(crate) struct ListReader {
    received: Arc<Mutex<Received>>,
}

impl ListReader {
    /// Results honouring `limit` whose reader stops reading after `leaves_after` objects
    /// (`usize::MAX`: reads to the end).
    pub(crate) fn new(limit: i64, leaves_after: usize) -> (ListResults, ListReader) {
        let received = Arc::new(Mutex::new(Received::default()));
        let sink = received.clone();
        let results = ListResults::new(limit, move |event| {
            let mut received = sink.lock().unwrap();
            match event {
                ListEvent::Found(listed) => received.0.push(*listed),
                ListEvent::Diagnostics(d) => {
                    received.1.extend(d.iter().map(|d| d.summary.clone()));
                }
            }
            received.0.len() < leaves_after
        });
        (results, ListReader { received })
    }

    /// What was read: found objects and diagnostics' summaries.
    pub(crate) fn received(&self) -> Received {
        self.received.lock().unwrap().clone()
    }
}
