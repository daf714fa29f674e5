package main

import (
	"context"

	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v3.0/customvision/prediction"
	"github.com/Azure/azure-sdk-for-go/services/cognitiveservices/v3.0/customvision/training"
)

func main() {
	ctx := context.Background()
	trainer := training.New(trainingKey, endpoint)
	iteration, _ := trainer.TrainProject(ctx, *project.ID)
	predictor := prediction.New(predictionKey, endpoint)
	results, _ := predictor.ClassifyImage(ctx, *project.ID, "prod", body, "")
	_ = results
	_ = iteration
}
