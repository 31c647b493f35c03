"""APIForge: an API sold on a hybrid plan (a monthly base with included units, sub-cent
overage above them, and a hard quota). Its API checks the customer's entitlement on every
request and reports usage in batches; its pages show the usage and the upcoming invoice."""
