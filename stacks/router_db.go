package stacks

import (
	"fmt"
	"strings"

	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/ec2"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/rds"
	"github.com/pulumi/pulumi-aws/sdk/v6/go/aws/secretsmanager"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
)

// The router's database: LiteLLM keeps its virtual keys, budgets, teams and
// spend in PostgreSQL. One single-AZ instance, the smallest Graviton class:
// the proxy batches its spend writes, and a lost zone stops the router's
// key checks until RDS restores the instance elsewhere (the catalog's line
// items price exactly this class and storage).
const (
	RouterDBInstanceClass = "db.t4g.micro"
	// RouterDBStorageGB is the gp3 volume RDS allocates (its minimum for
	// PostgreSQL); storage autoscaling may grow it to RouterDBMaxStorageGB
	// as spend logs accumulate, billed per GB-month beyond the line item.
	RouterDBStorageGB    = 20
	RouterDBMaxStorageGB = 100
	// RouterDBEngineVersion is the PostgreSQL major version; RDS applies
	// minor versions in the maintenance window.
	RouterDBEngineVersion = "17"
	// RouterDBBackupDays keeps automated backups (point-in-time recovery);
	// their storage up to the volume's size is free.
	RouterDBBackupDays = 7
	// DefaultRouterDBDeletionProtection is the database's deletion
	// protection without costgate:routerDbDeletionProtection: on, so that a
	// destroy or a replacement never loses the keys and spend by accident.
	DefaultRouterDBDeletionProtection = true
	routerDBPort                      = 5432
	routerDBUser                      = "litellm"
	routerDBName                      = "litellm"
	// MaxDBIdentifier is AWS's limit of an RDS instance identifier: 63
	// lowercase letters, digits or hyphens, a letter first, no two hyphens
	// in a row, no hyphen last.
	MaxDBIdentifier = 63
)

// dbIdentifier is physicalName under RDS's identifier rule.
func dbIdentifier(stack, team, kind string) string {
	name := physicalName(stack, team, kind, "", MaxDBIdentifier-3)
	for strings.Contains(name, "--") {
		name = strings.ReplaceAll(name, "--", "-")
	}
	if name[0] < 'a' || name[0] > 'z' {
		name = "cg-" + name
	}
	return name
}

// database registers LiteLLM's PostgreSQL: a subnet group over the fleet's
// private subnets, a security group admitting the router's tasks only, an
// encrypted instance without public access, and the DATABASE_URL secret
// the task reads. It returns that secret's ARN.
func (b *routerBuild) database(routerSG *ec2.SecurityGroup) (pulumi.StringOutput, error) {
	ctx, fl, name := b.ctx, b.a.Fleet, b.name+"-db"
	ident := dbIdentifier(ctx.Stack(), b.a.Team, "litellm")
	group, err := rds.NewSubnetGroup(ctx, name, &rds.SubnetGroupArgs{
		Name:        pulumi.String(ident),
		Description: pulumi.String("costgate " + b.a.Team + ": the LiteLLM router's database, in the fleet's private subnets"),
		SubnetIds:   fl.net.subnets,
		Tags:        stringMap(b.tags),
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("create router database subnet group: %w", err)
	}
	desc := "costgate " + b.a.Team + ": PostgreSQL of the LiteLLM router, reachable from the router tasks only"
	sg, err := ec2.NewSecurityGroup(ctx, name, &ec2.SecurityGroupArgs{
		Name:        securityGroupName(ctx.Stack(), name, desc),
		Description: pulumi.String(desc),
		VpcId:       fl.net.vpcID,
		Ingress: ec2.SecurityGroupIngressArray{ec2.SecurityGroupIngressArgs{
			Description: pulumi.String("PostgreSQL from the LiteLLM router tasks"), Protocol: pulumi.String("tcp"),
			FromPort: pulumi.Int(routerDBPort), ToPort: pulumi.Int(routerDBPort), SecurityGroups: pulumi.StringArray{routerSG.ID()},
		}},
		Tags: withName(b.tags, name),
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("create router database security group: %w", err)
	}
	db, err := b.dbInstance(ident, group, sg)
	if err != nil {
		return pulumi.StringOutput{}, err
	}
	return b.databaseURL(db)
}

// dbInstance registers the RDS instance. Its master password is generated
// once (held by ignoreChanges, a Pulumi secret in the state, never an
// output) and so is the final snapshot's suffix, so that a destroy, a new
// stack and a second destroy never collide on the snapshot's name.
func (b *routerBuild) dbInstance(ident string, group *rds.SubnetGroup, sg *ec2.SecurityGroup) (*rds.Instance, error) {
	ctx := b.ctx
	pw, err := secretsmanager.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordArgs{
		PasswordLength: pulumi.IntRef(40), ExcludePunctuation: pulumi.BoolRef(true),
	})
	if err != nil {
		return nil, fmt.Errorf("generate router database password: %w", err)
	}
	suffix, err := secretsmanager.GetRandomPassword(ctx, &secretsmanager.GetRandomPasswordArgs{
		PasswordLength: pulumi.IntRef(8), ExcludePunctuation: pulumi.BoolRef(true), ExcludeUppercase: pulumi.BoolRef(true),
	})
	if err != nil {
		return nil, fmt.Errorf("generate router database snapshot name: %w", err)
	}
	protect := DefaultRouterDBDeletionProtection
	if b.a.DBDeletionProtection != nil {
		protect = *b.a.DBDeletionProtection
	}
	db, err := rds.NewInstance(ctx, b.name+"-db", &rds.InstanceArgs{
		Identifier:              pulumi.String(ident),
		Engine:                  pulumi.String("postgres"),
		EngineVersion:           pulumi.String(RouterDBEngineVersion),
		AutoMinorVersionUpgrade: pulumi.Bool(true),
		InstanceClass:           pulumi.String(RouterDBInstanceClass),
		AllocatedStorage:        pulumi.Int(RouterDBStorageGB),
		MaxAllocatedStorage:     pulumi.Int(RouterDBMaxStorageGB),
		StorageType:             pulumi.String("gp3"),
		StorageEncrypted:        pulumi.Bool(true),
		DbName:                  pulumi.String(routerDBName),
		Username:                pulumi.String(routerDBUser),
		Password:                pulumi.ToSecret(pulumi.String(pw.RandomPassword)).(pulumi.StringOutput),
		Port:                    pulumi.Int(routerDBPort),
		DbSubnetGroupName:       group.Name,
		VpcSecurityGroupIds:     pulumi.StringArray{sg.ID()},
		PubliclyAccessible:      pulumi.Bool(false),
		MultiAz:                 pulumi.Bool(false),
		BackupRetentionPeriod:   pulumi.Int(RouterDBBackupDays),
		CopyTagsToSnapshot:      pulumi.Bool(true),
		DeletionProtection:      pulumi.Bool(protect),
		SkipFinalSnapshot:       pulumi.Bool(false),
		FinalSnapshotIdentifier: pulumi.String(ident + "-final-" + strings.ToLower(suffix.RandomPassword)),
		Tags:                    stringMap(b.tags),
	}, b.parent, pulumi.IgnoreChanges([]string{"password", "finalSnapshotIdentifier"}))
	if err != nil {
		return nil, fmt.Errorf("create router database: %w", err)
	}
	b.r.DatabaseEndpoint = db.Address
	return db, nil
}

// databaseURL stores LiteLLM's DATABASE_URL, built from the instance's
// password and address (TLS required: RDS for PostgreSQL 15 and later
// refuses plain connections), and returns the secret's ARN.
func (b *routerBuild) databaseURL(db *rds.Instance) (pulumi.StringOutput, error) {
	ctx := b.ctx
	secret, err := secretsmanager.NewSecret(ctx, b.name+"-database-url", &secretsmanager.SecretArgs{
		Description:          pulumi.String("costgate " + b.a.Team + ": DATABASE_URL of the LiteLLM router"),
		RecoveryWindowInDays: pulumi.Int(7),
		Tags:                 stringMap(b.tags),
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("create router database secret: %w", err)
	}
	url := pulumi.All(db.Password, db.Address).ApplyT(func(v []any) string {
		pw, _ := v[0].(*string)
		if pw == nil {
			pw = new(string)
		}
		return fmt.Sprintf("postgresql://%s:%s@%s:%d/%s?sslmode=require", routerDBUser, *pw, v[1].(string), routerDBPort, routerDBName)
	}).(pulumi.StringOutput)
	v, err := secretsmanager.NewSecretVersion(ctx, b.name+"-database-url", &secretsmanager.SecretVersionArgs{
		SecretId:     secret.ID(),
		SecretString: pulumi.ToSecret(url).(pulumi.StringOutput),
	}, b.parent)
	if err != nil {
		return pulumi.StringOutput{}, fmt.Errorf("store router database URL: %w", err)
	}
	// The task starts once the URL is stored, so once the database exists.
	return storedARN(secret, v), nil
}
