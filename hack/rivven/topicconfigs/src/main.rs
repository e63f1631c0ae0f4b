//! rivven-topic-configs SERVER TOPIC: prints the topic's configs, as the
//! broker describes them to rivven-client, as one JSON object with sorted
//! keys. Exit status 1 with the client's error on failure.

use std::collections::BTreeMap;

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.len() != 3 {
        eprintln!("usage: rivven-topic-configs SERVER TOPIC");
        std::process::exit(2);
    }
    let (server, topic) = (&args[1], &args[2]);
    let result = async {
        let mut client = rivven_client::Client::connect(server).await?;
        client.describe_topic_configs(&[topic.as_str()]).await
    }
    .await;
    match result {
        Ok(mut by_topic) => {
            let configs: BTreeMap<String, String> =
                by_topic.remove(topic.as_str()).unwrap_or_default().into_iter().collect();
            println!("{}", serde_json::to_string(&configs).expect("a map of strings serializes"));
        }
        Err(e) => {
            eprintln!("rivven-topic-configs: {e}");
            std::process::exit(1);
        }
    }
}
