//! Who talks to whom in Northwind. Each entry names two groups of endpoints
//! (template keys, `k/<name>` for Kubernetes workloads, or the pools built in
//! `traffic.rs`) and expands into one conversation per client (or per server).

/// How a conversation behaves on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Style {
    /// Request and reply (TCP or UDP).
    Normal,
    /// TCP attempt that is blocked (REJECT / REJ / S0 / DROPPED).
    Reject,
    /// UDP without any reply (syslog).
    OneWay,
    /// ICMP echo, recorded in the request direction.
    Icmp,
    /// Hubble AUDIT verdict (policy audit mode), otherwise forwarded.
    Audit,
}

pub const TCP: u8 = 6;
pub const UDP: u8 = 17;
pub const ICMP: u8 = 1;

#[derive(Clone, Copy, Debug)]
pub struct DepT {
    pub from: &'static str,
    pub to: &'static str,
    pub port: u16,
    pub proto: u8,
    pub style: Style,
    /// Expand per server (each server gets one client) instead of per client.
    pub per_server: bool,
    /// Servers per client.
    pub fan: usize,
    /// Use only every n-th member of the expanded side.
    pub every: usize,
    pub weight: u32,
    /// The first conversation is emitted early by every source that sees it.
    pub must: bool,
}

const fn d(from: &'static str, to: &'static str, port: u16) -> DepT {
    DepT {
        from,
        to,
        port,
        proto: TCP,
        style: Style::Normal,
        per_server: false,
        fan: 1,
        every: 1,
        weight: 10,
        must: false,
    }
}

impl DepT {
    const fn udp(mut self) -> Self {
        self.proto = UDP;
        self
    }
    const fn icmp(mut self) -> Self {
        self.proto = ICMP;
        self.style = Style::Icmp;
        self
    }
    const fn rej(mut self) -> Self {
        self.style = Style::Reject;
        self
    }
    const fn oneway(mut self) -> Self {
        self.style = Style::OneWay;
        self
    }
    const fn audit(mut self) -> Self {
        self.style = Style::Audit;
        self
    }
    const fn per_server(mut self) -> Self {
        self.per_server = true;
        self
    }
    const fn fan(mut self, n: usize) -> Self {
        self.fan = n;
        self
    }
    const fn every(mut self, n: usize) -> Self {
        self.every = n;
        self
    }
    const fn w(mut self, n: u32) -> Self {
        self.weight = n;
        self
    }
    const fn must(mut self) -> Self {
        self.must = true;
        self
    }
}

#[rustfmt::skip]
pub const DEPS: &[DepT] = &[
    // --- users / VDI (seen by the access sensor, Zeek JSON) ---
    d("vdi", "intranet", 443).w(60).must(),
    d("vdi6", "intranet6", 443).w(30).must(),
    d("vdi", "hr-web", 443).w(40),
    d("vdi", "erp-web", 443).w(30),
    d("vdi", "fs", 445).w(60),
    d("vdi", "proxy", 3128).w(100),
    d("vdi", "ad", 88).w(30),
    d("vdi", "ad", 389).w(30),
    d("vdi", "ad", 53).udp().w(60),
    d("vdi", "mail", 587).w(20),
    d("vdi", "crm", 8443).w(20),
    d("vdi", "payroll", 443).every(6).w(10),
    d("vdi", "wsus", 8530).w(10),
    d("vdi", "idp", 443).w(20).must(),
    d("vdi", "db-erp", 1433).rej().every(9).w(10).must(),
    d("prn", "fs", 445).w(10),
    d("unknown-users", "db-orders", 5432).rej().fan(2).w(10).must(),
    d("unknown-users", "db-erp", 1433).rej().w(10),
    d("unknown-users", "dwh", 5432).rej().w(5),
    d("unknown-users", "fs", 445).w(20),
    d("unknown-users", "proxy", 3128).w(30),
    // --- on-prem server traffic (seen by the core sensor, Zeek TSV) ---
    d("unknown-app", "db-orders", 5432).rej().w(10).must(),
    d("unknown-app", "ad", 389).w(10),
    d("bak", "unknown-storage", 2049).w(40).must(),
    d("jump", "unknown-ilo", 443).fan(2).w(10).must(),
    d("mon", "unknown-ilo", 623).udp().fan(2).w(10),
    d("hr-web", "hr-app", 8080).w(80),
    d("hr-app", "db-hr", 5432).w(80),
    d("hr-stg", "hr-app", 8080).w(10),
    d("erp-web", "erp-app", 8443).w(80),
    d("erp-app", "db-erp", 1433).w(100),
    d("erp-dev", "db-erp", 1433).rej().w(10),
    d("esb", "db-crm", 3306).w(20),
    d("crm", "db-crm", 3306).w(60),
    d("payroll", "db-payroll", 1433).w(50),
    d("rpt", "dwh", 5432).w(60),
    d("rpt-etl", "db-erp", 1433).w(30),
    d("rpt-etl", "db-orders", 5432).w(30),
    d("rpt-etl", "dwh", 5432).w(40),
    d("intranet", "ad", 389).w(20),
    d("mail", "ad", 389).w(20),
    d("ci", "nexus", 8081).w(40),
    d("sftp", "fs", 445).w(20),
    d("radius", "ad", 389).w(20),
    d("erp-app", "lic", 1947).w(10),
    d("onprem-servers", "ad", 389).w(10),
    d("onprem-servers", "ad", 53).udp().w(20),
    d("onprem-servers", "ntp", 123).udp().w(10),
    d("onprem-servers", "siem", 514).udp().oneway().w(30).must(),
    d("nodes", "ad", 53).udp().w(20),
    d("nodes", "ntp", 123).udp().w(10),
    d("nodes", "siem", 514).udp().oneway().w(20),
    d("jump", "onprem-servers", 22).per_server().w(10),
    d("jump", "vcenter", 443).w(20),
    d("mon", "onprem-servers", 9100).per_server().w(20),
    d("mon", "nodes", 9100).per_server().w(20),
    d("mon", "onprem-servers", 0).icmp().per_server().w(10).must(),
    d("bak", "backup-targets", 9102).per_server().w(20),
    // --- on-prem <-> AWS (core sensor and VPC flow logs) ---
    d("erp-app", "pay-api", 8443).w(40).must(),
    d("rpt", "orders-db", 5432).w(30),
    d("mon", "ec2-prod", 0).icmp().per_server().w(10).must(),
    d("jump", "bastion", 22).w(20),
    d("ad", "ad-aws", 389).w(20).must(),
    d("ad-aws", "ad", 389).w(20),
    d("ad-aws", "ad", 88).w(10),
    d("backup-gw", "bak", 9103).w(20),
    d("siem-col", "siem", 6514).w(30),
    d("ci-agent", "nexus", 8081).w(20),
    d("aws-rpt-etl", "dwh", 5432).w(20),
    // --- inside AWS ---
    d("store-web", "store-api", 8443).fan(2).w(100).must(),
    d("store-api", "pay-api", 8443).w(60),
    d("store-api", "orders-api", 8080).w(60),
    d("store-api", "cache", 6379).w(80),
    d("store-api", "catalog-es", 9200).w(60),
    d("store-api", "idp", 443).w(30),
    d("pay-api", "pay-db", 5432).w(80).must(),
    d("pay-api-stg", "pay-db", 5432).rej().w(10).must(),
    d("orders-api", "orders-db", 5432).w(60),
    d("orders-api", "kafka", 9092).w(60),
    d("catalog-indexer", "catalog-es", 9200).w(50),
    d("catalog-indexer", "kafka", 9092).w(30),
    d("aws-rpt-etl", "orders-db", 5432).w(30),
    d("batch-runner", "orders-db", 5432).w(10).must(),
    d("store-web", "pay-db", 5432).rej().every(3).w(10).must(),
    d("stg-store-web", "store-api", 8443).rej().w(10),
    d("ec2-all", "ad-aws", 389).w(10),
    d("ec2-all", "ad-aws", 88).w(10),
    d("ec2-all", "siem-col", 514).udp().oneway().w(20),
    d("prom", "ec2-all", 9100).per_server().w(20),
    d("backup-gw", "ec2-data", 9102).per_server().w(10),
    d("bastion", "ec2-prod", 22).per_server().every(3).w(10),
    d("ec2-all", "resolver", 53).udp().w(30).must(),
    // --- AWS <-> internet ---
    d("internet", "store-web", 443).w(40).must(),
    d("internet", "store-web", 80).every(4).w(10),
    d("internet6", "store-web6", 443).w(20).must(),
    d("pingers", "store-web", 0).icmp().w(10).must(),
    d("scanners", "internet-facing", 22).rej().w(10).must(),
    d("scanners", "internet-facing", 3389).rej().every(2).w(10),
    d("scanners", "internet-facing", 23).rej().every(3).w(10),
    d("scanners", "internet-facing", 445).rej().every(2).w(10),
    d("pay-api", "payment-gw", 443).fan(2).w(40).must(),
    d("store-web", "cdn", 443).w(20),
    d("idp", "saas-idp", 443).w(10),
    d("store-web6", "ipv6-ext", 443).w(10).must(),
    d("ci-agent", "github", 443).w(20),
    // --- Kubernetes (Hubble; plus Zeek/VPC where the path crosses them) ---
    d("pods-all", "k/coredns", 53).udp().w(40).must(),
    d("k/storefront-web", "k/storefront-bff", 8443).fan(2).w(100),
    d("k/storefront-bff", "k/payments-api", 8443).w(60).must(),
    d("k/storefront-bff", "k/orders-api", 8080).w(60),
    d("k/storefront-bff", "k/catalog-api", 8080).w(60),
    d("k/storefront-bff", "cdn", 443).w(10),
    d("k/cms", "k/storefront-bff", 8443).w(10),
    d("k/payments-api", "k/payments-redis", 6379).w(60),
    d("k/payments-api", "k/fraud-scorer", 9000).w(40),
    d("k/payments-api", "hsm", 1500).w(30).must(),
    d("k/payments-api", "pay-db", 5432).w(30).must(),
    d("k/payments-api", "payment-gw", 443).w(30).must(),
    d("k/payments-worker", "k/payments-redis", 6379).w(30),
    d("k/payments-worker", "mq", 5671).w(10),
    d("k/orders-api", "k/orders-kafka", 9092).w(50),
    d("k/orders-api", "db-orders", 5432).w(50).must(),
    d("k/orders-api", "k/payments-api", 8443).w(30),
    d("k/orders-worker", "k/orders-kafka", 9092).w(40),
    d("k/orders-worker", "k/catalog-search", 9200).audit().w(20).must(),
    d("k/catalog-api", "k/catalog-search", 9200).w(60),
    d("k/catalog-importer", "k/catalog-search", 9200).w(20),
    d("k/report-builder", "dwh", 5432).w(20).must(),
    d("k/report-builder", "k/orders-api", 8080).w(10),
    d("k/report-builder", "k/payments-api", 8443).rej().w(10).must(),
    d("k/invoice-export", "k/payments-api", 8443).w(10),
    d("k/invoice-export", "sftp-partner", 22).w(10),
    d("k/db-migrate-v42", "db-orders", 5432).w(10),
    d("k/storefront-web", "k/payments-redis", 6379).rej().w(10).must(),
    d("k/netshoot-debug", "k/orders-api", 8080).w(10),
    d("k/netshoot-debug", "k/payments-redis", 6379).rej().w(10),
    d("k/prometheus", "pods-metrics", 9102).per_server().w(20),
    d("k/prometheus", "node-hosts", 9100).per_server().w(20).must(),
    d("k/prometheus", "apiserver", 6443).w(10),
    d("k/metrics-server", "node-hosts", 10250).per_server().w(10),
    d("k/grafana", "k/prometheus", 9090).w(20),
    d("k/alertmanager", "mail", 25).w(10),
    d("k/prometheus", "k/alertmanager", 9093).w(10),
    d("k/blackbox-exporter", "ad", 0).icmp().w(10).must(),
    d("k/blackbox-exporter", "pay-api", 0).icmp().w(10).must(),
    d("k/fluent-bit", "siem", 6514).w(20),
    d("erp-app", "k/orders-api", 8080).w(20).must(),
    d("k/checkout-canary", "k/payments-api", 8443).w(20).must(),
    d("k/checkout-canary", "k/coredns", 53).udp().w(10),
];
