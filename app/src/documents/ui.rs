//! Documents in the browser: the company's requisites, the template list and editor with
//! its live preview, the documents panel of an order card, and the documents list.

pub mod company;
pub mod list;
pub mod order;
pub mod templates;

pub use company::CompanyPage;
