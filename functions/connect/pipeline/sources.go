package pipeline

import (
	"strings"

	"github.com/rivven/crossplane-rivven/apis/connect/v1alpha1"
)

func boolOr(p *bool, d bool) bool {
	if p == nil {
		return d
	}
	return *p
}

// kafkaSecurity builds the security block shared by the kafka source and
// sink (FACTS §5.3.1): upper-case enums, password from the Secret.
func (c *conn) kafkaSecurity(field, protocol, mechanism, username string) map[string]any {
	sec := map[string]any{}
	if protocol != "" {
		sec["protocol"] = strings.ToUpper(protocol)
	}
	if mechanism == "" {
		return sec
	}
	if !strings.HasPrefix(protocol, "sasl_") {
		c.fail(field+".securityProtocol", "must be sasl_plaintext or sasl_ssl when saslMechanism is set, got %q", protocol)
	}
	sec["sasl_mechanism"] = strings.ToUpper(mechanism)
	if username != "" {
		sec["sasl_username"] = username
	} else {
		sec["sasl_username"] = c.secretKey("sasl_username")
	}
	sec["sasl_password"] = c.secretKey("sasl_password")
	return sec
}

// sourceConfig returns the typed keys and soft connection keys of a source.
func (c *conn) sourceConfig(s *v1alpha1.SourceConnectorSpec) (map[string]any, []soft) {
	f := c.field
	switch {
	case s.Connector == "postgres-cdc":
		return c.postgresCdc(s.PostgresCdc, f+".postgresCdc", s.Topic)
	case s.Connector == "mysql-cdc":
		return c.mysqlCdc(s.MysqlCdc, f+".mysqlCdc", s.Topic)
	case s.HTTP != nil:
		cfg := map[string]any{"url": s.HTTP.URL}
		if s.HTTP.PollIntervalMs != nil {
			cfg["poll_interval_ms"] = *s.HTTP.PollIntervalMs
		}
		return cfg, nil
	case s.Datagen != nil:
		d := s.Datagen
		// The seed's default rate is 1 event/s; rivven-connect's is 10.
		eps := int32(1)
		if d.EventsPerSecond != nil {
			eps = *d.EventsPerSecond
		}
		cfg := map[string]any{"events_per_second": eps}
		if d.MaxEvents > 0 {
			cfg["max_events"] = d.MaxEvents
		}
		if d.Seed != nil {
			cfg["seed"] = *d.Seed
		}
		if d.Pattern != "" {
			cfg["pattern"] = d.Pattern
		}
		return cfg, nil
	case s.Kafka != nil:
		k := s.Kafka
		offset := k.StartOffset
		if offset == "" {
			// The seed's default; rivven-connect's own is earliest.
			offset = "latest"
		}
		cfg := map[string]any{
			"brokers":        strings.Join(k.Brokers, ","),
			"topic":          k.Topic,
			"consumer_group": k.ConsumerGroup,
			"start_offset":   offset,
		}
		if sec := c.kafkaSecurity(f+".kafka", k.SecurityProtocol, k.SaslMechanism, k.SaslUsername); len(sec) > 0 {
			cfg["security"] = sec
		}
		return cfg, nil
	case s.Mqtt != nil:
		m := s.Mqtt
		qos := m.QoS
		if qos == "" {
			// The seed's default; rivven-connect's own is at_most_once.
			qos = "at_least_once"
		}
		cfg := map[string]any{
			"broker_url":    m.BrokerURL,
			"topics":        m.Topics,
			"qos":           qos,
			"clean_session": boolOr(m.CleanSession, true),
		}
		if m.ClientID != "" {
			cfg["client_id"] = m.ClientID
		}
		if m.MqttVersion != "" {
			cfg["mqtt_version"] = m.MqttVersion
			if m.MqttVersion != "v311" {
				c.warn("%s.mqtt.mqttVersion %q is not applied: rivven-connect parses it but always speaks MQTT 3.1.1", f, m.MqttVersion)
			}
		}
		auth := map[string]any{}
		if m.Username != "" {
			auth["username"] = m.Username
		}
		var softs []soft
		if c.secret != "" {
			softs = append(softs, soft{path: []string{"auth", "password"}, value: func() any { return c.secretKey("password") }})
		}
		if len(auth) > 0 {
			cfg["auth"] = auth
		}
		return cfg, softs
	case s.Sqs != nil:
		q := s.Sqs
		cfg := map[string]any{"queue_url": q.QueueURL, "region": q.Region}
		if q.MaxMessages != nil {
			cfg["max_messages"] = *q.MaxMessages
		}
		if q.WaitTimeSeconds != nil {
			cfg["wait_time_seconds"] = *q.WaitTimeSeconds
		}
		if q.VisibilityTimeout != nil {
			cfg["visibility_timeout"] = *q.VisibilityTimeout
		}
		auth := map[string]any{}
		if q.AwsProfile != "" {
			auth["profile"] = q.AwsProfile
		}
		if q.RoleArn != "" {
			auth["role_arn"] = q.RoleArn
		}
		if len(auth) > 0 {
			cfg["auth"] = auth
		}
		return cfg, c.awsKeys("auth")
	case s.PubSub != nil:
		p := s.PubSub
		cfg := map[string]any{"project_id": p.ProjectID, "subscription": p.Subscription}
		if p.Topic != "" {
			cfg["topic"] = p.Topic
		}
		if p.MaxMessages != nil {
			cfg["max_messages"] = *p.MaxMessages
		}
		if p.AckDeadlineSeconds != nil {
			cfg["ack_deadline_seconds"] = *p.AckDeadlineSeconds
		}
		auth := map[string]any{"use_adc": boolOr(p.UseAdc, true)}
		if p.CredentialsFile != "" {
			auth["credentials_file"] = p.CredentialsFile
		}
		cfg["auth"] = auth
		var softs []soft
		if c.secret != "" && p.CredentialsFile == "" {
			softs = append(softs, soft{path: []string{"auth", "credentials_json"}, value: func() any { return c.secretKey("credentials_json") }})
		}
		return cfg, softs
	default:
		return nil, nil
	}
}

// awsKeys are static AWS credentials from the Secret, when there is one.
func (c *conn) awsKeys(block string) []soft {
	if c.secret == "" {
		return nil
	}
	return []soft{
		{path: []string{block, "access_key_id"}, value: func() any { return c.secretKey("access_key_id") }},
		{path: []string{block, "secret_access_key"}, value: func() any { return c.secretKey("secret_access_key") }},
	}
}

// source builds the file entry of one source.
func (c *conn) source(s *v1alpha1.SourceConnectorSpec, generic map[string]any) map[string]any {
	name, known := sourceConnectors[s.Connector]
	if !known {
		name = s.Connector
		c.warn("%s.connector %q is not a source rivven-connect registers; it is passed through and fails at start unless the image provides it", c.field, s.Connector)
	}
	typed, softs := c.sourceConfig(s)
	if s.TopicRouting != "" {
		if s.Connector == "postgres-cdc" || s.Connector == "mysql-cdc" {
			if typed == nil {
				typed = map[string]any{}
			}
			typed["topic_routing"] = s.TopicRouting
			c.warn("%s.topicRouting is validated by rivven-connect but not applied: every event is published to %q", c.field, s.Topic)
		} else {
			c.fail(c.field+".topicRouting", "only CDC sources (postgres-cdc, mysql-cdc) support topic routing, not %q", s.Connector)
		}
	}
	c.checkInline(generic, c.field+".config")
	cfg := c.mergeConfig(typed, generic, softs)

	entry := map[string]any{
		"connector": name,
		"topic":     s.Topic,
		"enabled":   boolOr(s.Enabled, true),
	}
	if len(cfg) > 0 {
		entry["config"] = cfg
	}
	if tc := s.TopicConfig; tc != nil {
		t := map[string]any{}
		if tc.Partitions != nil {
			t["partitions"] = *tc.Partitions
		}
		if tc.ReplicationFactor != nil {
			t["replication_factor"] = *tc.ReplicationFactor
		}
		if tc.AutoCreate != nil {
			t["auto_create"] = *tc.AutoCreate
		}
		if len(t) > 0 {
			entry["topic_config"] = t
		}
	}
	if rl := s.RateLimit; rl != nil {
		entry["rate_limit"] = map[string]any{
			"events_per_second": rl.EventsPerSecond,
			"burst_size":        rl.BurstSize,
			"max_in_flight":     rl.MaxInFlight,
		}
	}
	if s.DeadLetterTopic != "" {
		entry["dead_letter_topic"] = s.DeadLetterTopic
	}
	return entry
}
