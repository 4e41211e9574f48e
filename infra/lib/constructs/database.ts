import { Duration, RemovalPolicy } from "aws-cdk-lib";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import type * as iam from "aws-cdk-lib/aws-iam";
import * as rds from "aws-cdk-lib/aws-rds";
import type * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import { Construct } from "constructs";

export interface DatabaseProps {
  readonly vpc: ec2.IVpc;
  readonly subnets: ec2.SubnetSelection;
  /** 0 lets the writer pause after 10 idle minutes (resume takes ~15 s); otherwise 0.5 steps up to maxAcu. */
  readonly minAcu: number;
  readonly maxAcu: number;
  /** Put RDS Proxy in front: pools Lambda connections, so a burst of cold starts cannot exhaust max_connections. */
  readonly proxy: boolean;
}

export const DATABASE_NAME = "podium";
const DATABASE_USER = "podium";

/**
 * Aurora PostgreSQL Serverless v2 with one writer, credentials generated into Secrets Manager, and optionally RDS
 * Proxy. Clients get the secret's ARN and `host` (the proxy or the writer) and compose their URL at start; no
 * password ever appears in a Lambda or job definition.
 */
export class Database extends Construct {
  public readonly cluster: rds.DatabaseCluster;
  public readonly proxy: rds.DatabaseProxy | undefined;
  /** JSON with username, password, port, dbname (and the cluster's host, which clients replace by `host`). */
  public readonly secret: secretsmanager.ISecret;
  /** Where clients connect: the proxy endpoint when there is one, else the writer endpoint. */
  public readonly host: string;
  public readonly port = 5432;
  private readonly entry: ec2.Connections;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    this.cluster = new rds.DatabaseCluster(this, "Cluster", {
      // 17.x supports a minimum of 0 ACU (auto-pause needs ≥ 16.3, 15.7, 14.12 or 13.15).
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_17_5 }),
      writer: rds.ClusterInstance.serverlessV2("Writer"),
      serverlessV2MinCapacity: props.minAcu,
      serverlessV2MaxCapacity: props.maxAcu,
      serverlessV2AutoPauseDuration: props.minAcu === 0 ? Duration.minutes(10) : undefined,
      credentials: rds.Credentials.fromGeneratedSecret(DATABASE_USER),
      defaultDatabaseName: DATABASE_NAME,
      port: this.port,
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      storageEncrypted: true,
      backup: { retention: Duration.days(7) },
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });
    this.secret = this.cluster.secret!;

    if (props.proxy) {
      this.proxy = this.cluster.addProxy("Proxy", {
        secrets: [this.secret],
        vpc: props.vpc,
        vpcSubnets: props.subnets,
        requireTLS: true,
        // Lambda instances sit idle between requests; let the proxy drop their client connections after 15 minutes.
        idleClientTimeout: Duration.minutes(15),
        // Leave headroom for migrations and psql sessions that connect to the writer directly.
        maxConnectionsPercent: 90,
      });
      this.cluster.connections.allowDefaultPortFrom(this.proxy, "RDS Proxy to Aurora");
      this.host = this.proxy.endpoint;
      this.entry = this.proxy.connections;
    } else {
      this.host = this.cluster.clusterEndpoint.hostname;
      this.entry = this.cluster.connections;
    }
  }

  /** Opens the port on the proxy (or the cluster) to `client` and lets `grantee` read the credentials. */
  allowClient(client: ec2.IConnectable, grantee: iam.IGrantable, description: string): void {
    this.entry.allowFrom(client, ec2.Port.tcp(this.port), description);
    this.secret.grantRead(grantee);
  }
}
