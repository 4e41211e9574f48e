import { Annotations, Aws, Duration, RemovalPolicy } from "aws-cdk-lib";
import * as acm from "aws-cdk-lib/aws-certificatemanager";
import * as cloudfront from "aws-cdk-lib/aws-cloudfront";
import * as origins from "aws-cdk-lib/aws-cloudfront-origins";
import * as dynamodb from "aws-cdk-lib/aws-dynamodb";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as lambda from "aws-cdk-lib/aws-lambda";
import { SqsEventSource } from "aws-cdk-lib/aws-lambda-event-sources";
import type * as logs from "aws-cdk-lib/aws-logs";
import * as s3 from "aws-cdk-lib/aws-s3";
import * as s3deploy from "aws-cdk-lib/aws-s3-deployment";
import * as secretsmanager from "aws-cdk-lib/aws-secretsmanager";
import * as sqs from "aws-cdk-lib/aws-sqs";
import { Construct } from "constructs";
import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { grantObjects, READ, WRITE } from "../key-layout";
import { logGroupWithRetention } from "../log-groups";
import { PLACEHOLDER_DIR } from "../paths";
import { privateBucketProps } from "./storage";

export interface WebProps {
  readonly vpc: ec2.IVpc;
  /** The server function runs here to reach RDS Proxy; S3, DynamoDB, SQS and Secrets Manager via endpoints. */
  readonly subnets: ec2.SubnetSelection;
  readonly siteOrigin: string;
  /** ACM certificate (us-east-1) for siteOrigin's host; without it the site is served on the CloudFront domain. */
  readonly certificateArn?: string;
  /** Output of `npx @opennextjs/aws build`; when missing, placeholders are deployed and a warning is annotated. */
  readonly openNextDir: string;
  /** Deploy placeholders when openNextDir has no build; otherwise a missing build fails the synth. */
  readonly allowPlaceholder?: boolean;
  /** Podium settings (lib/config/env.ts) shared with the worker. */
  readonly environment: Record<string, string>;
  readonly memoryMiB: number;
  readonly reservedConcurrency?: number;
  readonly logRetention: logs.RetentionDays;
}

/** Key prefixes in the site bucket, as OpenNext lays them out (open-next.output.json: `_assets`, `_cache`). */
const ASSETS_PREFIX = "_assets";
const CACHE_PREFIX = "_cache";

/**
 * The Next.js app as OpenNext deploys it: the server function (Lambda, in the VPC) behind CloudFront, static assets
 * from a private bucket through origin access control, the image optimizer, and OpenNext's incremental cache (S3),
 * tag cache (DynamoDB) and revalidation queue (SQS FIFO).
 */
export class Web extends Construct {
  public readonly serverFunction: lambda.Function;
  public readonly imageFunction: lambda.Function;
  public readonly revalidationFunction: lambda.Function;
  public readonly siteBucket: s3.Bucket;
  public readonly distribution: cloudfront.Distribution;
  /** PODIUM_SECRET: signs URLs and Auth.js sessions. */
  public readonly appSecret: secretsmanager.Secret;
  public readonly securityGroup: ec2.SecurityGroup;
  public readonly logGroup: logs.LogGroup;
  /** Where the site answers: siteOrigin with a certificate, else the CloudFront domain. */
  public readonly siteUrl: string;
  /** True when `.open-next/` was missing and placeholders stand in for the app. */
  public readonly placeholder: boolean;
  /** OpenNext's incremental cache objects, which the server function reads and writes. */
  public readonly incrementalCacheObjectsArn: string;

  constructor(scope: Construct, id: string, props: WebProps) {
    super(scope, id);
    const build = openNextBuild(props.openNextDir);
    this.placeholder = build.placeholder;
    if (build.placeholder && !props.allowPlaceholder) {
      // A fresh clone deployed a 503 page with only a warning: now it is a choice.
      throw new Error(`${props.openNextDir} has no OpenNext build: run \`npm run deploy:build\` first (npm run deploy does), or pass -c placeholder=true to deploy a placeholder page`);
    }
    if (build.placeholder) {
      Annotations.of(this).addWarningV2(
        "podium:open-next-missing",
        `${props.openNextDir} has no OpenNext build: a placeholder answers every request. Run \`npx @opennextjs/aws build\` before deploying (infra/README.md).`,
      );
    }
    this.logGroup = logGroupWithRetention(this, "Logs", props.logRetention);

    this.siteBucket = new s3.Bucket(this, "Site", privateBucketProps());
    new s3deploy.BucketDeployment(this, "Assets", {
      sources: [s3deploy.Source.asset(build.assets)],
      destinationBucket: this.siteBucket,
      destinationKeyPrefix: ASSETS_PREFIX,
      // Keep the previous build's hashed files for pages already open in browsers.
      prune: false,
      memoryLimit: 1024,
      logGroup: this.logGroup,
    });
    if (build.cache) {
      new s3deploy.BucketDeployment(this, "Cache", {
        sources: [s3deploy.Source.asset(build.cache)],
        destinationBucket: this.siteBucket,
        destinationKeyPrefix: CACHE_PREFIX,
        prune: false,
        logGroup: this.logGroup,
      });
    }

    const tagCache = new dynamodb.Table(this, "TagCache", {
      partitionKey: { name: "tag", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "path", type: dynamodb.AttributeType.STRING },
      billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
      // Derived from the build and rebuilt by revalidation: nothing to keep.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    tagCache.addGlobalSecondaryIndex({
      indexName: "revalidate",
      partitionKey: { name: "path", type: dynamodb.AttributeType.STRING },
      sortKey: { name: "revalidatedAt", type: dynamodb.AttributeType.NUMBER },
    });
    const revalidationQueue = new sqs.Queue(this, "Revalidation", {
      fifo: true,
      contentBasedDeduplication: true,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });

    this.appSecret = new secretsmanager.Secret(this, "AppSecret", {
      description: "Podium PODIUM_SECRET (signed URLs, Auth.js sessions)",
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    this.securityGroup = new ec2.SecurityGroup(this, "SecurityGroup", { vpc: props.vpc, description: "Podium web (Next.js server function)", allowAllOutbound: true });
    this.serverFunction = new lambda.Function(this, "Server", {
      description: "Podium: Next.js server (OpenNext)",
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.X86_64,
      handler: "index.handler",
      code: lambda.Code.fromAsset(build.server),
      // Lambda gives 1 vCPU per 1,769 MB; 3,538 MB buys the second one the two-thread scan of large results files uses.
      memorySize: props.memoryMiB,
      // CloudFront waits up to 60 s for the origin (its default is 30 s).
      timeout: Duration.seconds(60),
      vpc: props.vpc,
      vpcSubnets: props.subnets,
      securityGroups: [this.securityGroup],
      reservedConcurrentExecutions: props.reservedConcurrency,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        PODIUM_SECRET_ARN: this.appSecret.secretArn,
        // Auth.js: the public URL for callbacks, and trust CloudFront's forwarded host.
        AUTH_URL: props.siteOrigin,
        AUTH_TRUST_HOST: "true",
        // OpenNext's caches (read by its own code, not by lib/config).
        CACHE_BUCKET_NAME: this.siteBucket.bucketName,
        CACHE_BUCKET_KEY_PREFIX: CACHE_PREFIX,
        CACHE_BUCKET_REGION: Aws.REGION,
        CACHE_DYNAMO_TABLE: tagCache.tableName,
        REVALIDATION_QUEUE_URL: revalidationQueue.queueUrl,
        REVALIDATION_QUEUE_REGION: Aws.REGION,
      },
    });
    this.appSecret.grantRead(this.serverFunction);
    this.incrementalCacheObjectsArn = this.siteBucket.arnForObjects(`${CACHE_PREFIX}/*`);
    grantObjects(this.siteBucket, this.serverFunction, [...READ, ...WRITE, "s3:DeleteObject"], [`${CACHE_PREFIX}/*`]);
    tagCache.grantReadWriteData(this.serverFunction);
    revalidationQueue.grantSendMessages(this.serverFunction);

    // Outside the VPC: it only reads the site bucket's assets and fetches images from the site itself.
    this.imageFunction = new lambda.Function(this, "ImageOptimizer", {
      description: "Podium: Next.js image optimization (OpenNext)",
      runtime: lambda.Runtime.NODEJS_22_X,
      // OpenNext installs sharp for arm64 in this bundle.
      architecture: lambda.Architecture.ARM_64,
      handler: "index.handler",
      code: lambda.Code.fromAsset(build.imageOptimizer),
      memorySize: 1536,
      timeout: Duration.seconds(25),
      logGroup: this.logGroup,
      environment: { BUCKET_NAME: this.siteBucket.bucketName, BUCKET_KEY_PREFIX: ASSETS_PREFIX },
    });
    grantObjects(this.siteBucket, this.imageFunction, READ, [`${ASSETS_PREFIX}/*`]);

    this.revalidationFunction = new lambda.Function(this, "Revalidator", {
      description: "Podium: ISR revalidation (OpenNext)",
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: lambda.Code.fromAsset(build.revalidation),
      timeout: Duration.seconds(30),
      logGroup: this.logGroup,
    });
    this.revalidationFunction.addEventSource(new SqsEventSource(revalidationQueue, { batchSize: 5 }));

    this.distribution = this.createDistribution(props, build.assets);
    this.siteUrl = props.certificateArn ? props.siteOrigin : `https://${this.distribution.distributionDomainName}`;
  }

  private createDistribution(props: WebProps, assetsDir: string): cloudfront.Distribution {
    // Function URLs are public (auth NONE) because OAC would require every POST to carry a body hash, which the
    // legacy client and plain form posts do not send. The server authenticates every request itself.
    const server = new origins.FunctionUrlOrigin(this.serverFunction.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE }), { readTimeout: Duration.seconds(60) });
    const images = new origins.FunctionUrlOrigin(this.imageFunction.addFunctionUrl({ authType: lambda.FunctionUrlAuthType.NONE }));
    const assets = origins.S3BucketOrigin.withOriginAccessControl(this.siteBucket, { originPath: `/${ASSETS_PREFIX}` });

    // Next.js and Auth.js build absolute URLs from the host the browser used; the origin request carries the
    // function URL's host instead, so hand the viewer's host over as x-forwarded-host (what OpenNext expects).
    const forwardHost = new cloudfront.Function(this, "ForwardHost", {
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(
        'function handler(event) { var request = event.request; request.headers["x-forwarded-host"] = { value: request.headers.host.value }; return request; }',
      ),
    });
    const dynamic: cloudfront.BehaviorOptions = {
      origin: server,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      // Pages depend on the session: nothing is cached unless a later change opts a route in explicitly.
      cachePolicy: cloudfront.CachePolicy.CACHING_DISABLED,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      functionAssociations: [{ function: forwardHost, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST }],
    };
    const staticFiles: cloudfront.BehaviorOptions = {
      origin: assets,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
    };
    const imageCache = new cloudfront.CachePolicy(this, "ImageCache", {
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList("accept"),
      defaultTtl: Duration.days(1),
      maxTtl: Duration.days(365),
      minTtl: Duration.seconds(0),
    });

    // Same order as OpenNext's open-next.output.json: image and data routes first, then every top-level entry of
    // the assets folder (so /_next/static/*, /favicon.ico … come from S3), everything else from the server.
    const behaviors: Record<string, cloudfront.BehaviorOptions> = {
      "_next/image*": { ...dynamic, origin: images, cachePolicy: imageCache, allowedMethods: cloudfront.AllowedMethods.ALLOW_GET_HEAD },
      "_next/data/*": dynamic,
    };
    for (const entry of readdirSync(assetsDir, { withFileTypes: true })) {
      behaviors[entry.isDirectory() ? `${entry.name}/*` : entry.name] = staticFiles;
    }

    const host = new URL(props.siteOrigin).host;
    return new cloudfront.Distribution(this, "Distribution", {
      comment: `Podium ${host}`,
      defaultBehavior: dynamic,
      additionalBehaviors: behaviors,
      domainNames: props.certificateArn ? [host] : undefined,
      certificate: props.certificateArn ? acm.Certificate.fromCertificateArn(this, "Certificate", props.certificateArn) : undefined,
      minimumProtocolVersion: props.certificateArn ? cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021 : undefined,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      // North America and Europe edges: the cheapest class; viewers elsewhere are served from the nearest of these.
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
    });
  }
}

interface OpenNextBuild {
  placeholder: boolean;
  server: string;
  imageOptimizer: string;
  revalidation: string;
  assets: string;
  cache: string | null;
}

/** Folders of an OpenNext build (`.open-next/`), or the committed placeholders when it has not been built. */
function openNextBuild(dir: string): OpenNextBuild {
  if (existsSync(join(dir, "server-functions", "default", "index.mjs"))) {
    const optional = (name: string) => (existsSync(join(dir, name)) ? join(dir, name) : join(PLACEHOLDER_DIR, "function"));
    return {
      placeholder: false,
      server: join(dir, "server-functions", "default"),
      imageOptimizer: optional("image-optimization-function"),
      revalidation: optional("revalidation-function"),
      assets: join(dir, "assets"),
      cache: existsSync(join(dir, "cache")) ? join(dir, "cache") : null,
    };
  }
  const placeholder = join(PLACEHOLDER_DIR, "function");
  return { placeholder: true, server: placeholder, imageOptimizer: placeholder, revalidation: placeholder, assets: join(PLACEHOLDER_DIR, "assets"), cache: null };
}
